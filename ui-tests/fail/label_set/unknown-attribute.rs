use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(name = "is_cached")]
    cached: bool,
}

fn main() {}
