use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Never {}

fn main() {}
