use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(unbounded = true)]
    host: String,
}

fn main() {}
