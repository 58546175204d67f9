use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(limit = 0)]
    host: String,
}

fn main() {}
