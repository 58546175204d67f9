use promenade::metrics::StateSet;
use promenade::{LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
enum Light {
    Red,
    Green,
}

#[derive(Metrics)]
#[metrics(const_labels(lights = "north"))]
struct Traffic {
    /// The lights that are on.
    lights: StateSet<Light>,
}

fn main() {}
