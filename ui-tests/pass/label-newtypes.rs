//! Newtypes as label values: a range of integers (with a checked `TryFrom`), a bool and
//! another label value.
use promenade::labels::OutOfRange;
use promenade::{Counter, Family, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 1..=16)]
struct Shard(u16);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = -3..3)]
struct Offset {
    value: i8,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
struct Cached(bool);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
struct Outer(Cached);

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelValue)]
struct Host(String);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Placement {
    shard: Shard,
    offset: Offset,
    cached: Outer,
}

#[derive(Metrics)]
struct Storage {
    /// Reads per placement.
    reads: Family<Placement, Counter>,
}

fn main() {
    const _: () = assert!(matches!(<Placement as LabelSet>::CARDINALITY, Some(192)));
    let shard: Result<Shard, OutOfRange> = Shard::try_from(4);
    let offset = Offset::try_from(-3).unwrap();
    Storage::global()
        .reads
        .labels(Placement { shard: shard.unwrap(), offset, cached: Outer(Cached(true)) })
        .inc();
    let _ = Host("x".to_owned());
}
