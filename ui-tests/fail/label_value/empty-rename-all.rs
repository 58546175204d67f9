use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(rename_all = "snake_case")]
enum Slot {
    First,
    __,
}

fn main() {}
