use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
struct Shard(u8, bool);

fn main() {}
