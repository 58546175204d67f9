use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..=3)]
struct Level(String);

fn main() {}
