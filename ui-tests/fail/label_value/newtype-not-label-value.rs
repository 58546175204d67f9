use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Inner;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
struct Outer(Inner);

fn main() {}
