use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(flatten)]
    cached: bool,
}

fn main() {}
