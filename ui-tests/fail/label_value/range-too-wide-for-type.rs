use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..=300)]
struct Shard(u8);

fn main() {}
