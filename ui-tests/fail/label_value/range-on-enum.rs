use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..=3)]
enum Level {
    Low,
    High,
}

fn main() {}
