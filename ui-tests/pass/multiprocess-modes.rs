// Every gauge mode is accepted, on gauges and families of gauges, with or without the
// `multiprocess` feature (without it the mode is kept and does nothing).
use promenade::{Family, Gauge, IntGauge, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Pool {
    Main,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct PoolLabels {
    pool: Pool,
}

#[derive(Metrics)]
#[metrics(self_register = false)]
struct Modes {
    /// a
    #[metric(multiprocess = "all")]
    a: Gauge,
    /// b
    #[metric(multiprocess = "liveall")]
    b: Gauge,
    /// c
    #[metric(multiprocess = "sum")]
    c: IntGauge,
    /// d
    #[metric(multiprocess = "livesum")]
    d: Family<PoolLabels, Gauge>,
    /// e
    #[metric(multiprocess = "max")]
    e: Gauge,
    /// f
    #[metric(multiprocess = "livemax")]
    f: Gauge,
    /// g
    #[metric(multiprocess = "min")]
    g: Gauge,
    /// h
    #[metric(multiprocess = "livemin")]
    h: Gauge,
    /// i
    #[metric(multiprocess = "mostrecent")]
    i: Gauge,
    /// j
    #[metric(multiprocess = "livemostrecent")]
    j: Gauge,
}

fn main() {
    use promenade::registry::Collector;
    use promenade::multiprocess::GaugeMode;
    let modes: Vec<_> = Modes::new().describe().into_iter().map(|d| d.multiprocess_mode).collect();
    assert_eq!(modes, GaugeMode::ALL.map(Some).to_vec());
}
