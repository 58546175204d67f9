use promenade::metrics::StateSet;
use promenade::{Family, LabelSet, LabelValue, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Light {
    Red,
    Amber,
    Green,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Crossing {
    busy: bool,
}

// Two label sets of three states each: six series.
#[derive(Metrics)]
#[metrics(max_series = 5)]
struct TrafficMetrics {
    /// The light at each crossing.
    lights: Family<Crossing, StateSet<Light>>,
}

fn main() {}
