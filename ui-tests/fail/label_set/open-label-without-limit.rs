use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    host: String,
    secure: bool,
}

fn main() {}
