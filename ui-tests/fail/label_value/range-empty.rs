use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 5..5)]
struct Shard(u8);

fn main() {}
