use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Outcome {
    Ok,
    Failed(u16),
}

fn main() {}
