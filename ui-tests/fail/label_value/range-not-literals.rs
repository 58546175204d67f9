use promenade::LabelValue;

const SHARDS: u8 = 8;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..SHARDS)]
struct Shard(u8);

fn main() {}
