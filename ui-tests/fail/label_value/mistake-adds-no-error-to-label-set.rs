//! A `LabelValue` enum with a mistake still has a finite impl (its stub), so a label set
//! over it adds no "open label" error: the one message is the mistake.

use promenade::{LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
enum Zone {
    #[label(renme = "eu")]
    Europe,
    Asia,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    zone: Zone,
}

fn main() {}
