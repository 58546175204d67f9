use promenade::metrics::StateSet;
use promenade::{Family, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
enum Light {
    Red,
    Green,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelSet)]
struct Req {
    lights: bool,
}

#[derive(Metrics)]
struct Traffic {
    /// The lights that are on.
    lights: Family<Req, StateSet<Light>>,
}

fn main() {}
