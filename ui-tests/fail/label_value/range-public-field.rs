use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..=9)]
pub struct Shard(pub u8);

fn main() {}
