use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(limit = 100, unbounded)]
    host: String,
}

fn main() {}
