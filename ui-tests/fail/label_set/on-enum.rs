use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
enum Request {
    Get,
    Post,
}

fn main() {}
