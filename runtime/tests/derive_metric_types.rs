//! `#[derive(Metrics)]` accepts every metric type the runtime has, alone and (where a type
//! has series to label) in a `Family`, exposed whole.

use promenade::encoding::text::encode;
use promenade::metrics::{CounterWithExemplar, Enum, GaugeHistogram, Info, StateSet, Summary};
use promenade::{
    Counter, Family, FloatCounter, Gauge, Histogram, IntGauge, LabelSet, LabelValue, Metrics,
    Registry,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Running,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Worker {
    pool: Phase,
}

#[derive(Metrics)]
struct Everything {
    /// A counter.
    counter: Counter,
    /// A float counter.
    float_counter: FloatCounter,
    /// A counter with exemplars.
    exemplars: CounterWithExemplar,
    /// A gauge.
    gauge: Gauge,
    /// An integer gauge.
    int_gauge: IntGauge,
    /// A histogram.
    #[metric(buckets = [1.0])]
    histogram: Histogram,
    /// A summary.
    summary: Summary,
    /// Build facts.
    build: Info,
    /// Phases that are on.
    phases: StateSet<Phase>,
    /// The current phase.
    phase: Enum<Phase>,
    /// Items in the queue by size.
    #[metric(buckets = [10.0])]
    queue: GaugeHistogram,
    /// Summaries per worker.
    per_worker: Family<Worker, Summary>,
    /// Gauge histograms per worker.
    #[metric(buckets = [10.0])]
    queue_per_worker: Family<Worker, GaugeHistogram>,
}

fn main_text(m: Everything) -> String {
    let registry = Registry::new();
    registry.register(m).unwrap();
    let mut out = String::new();
    encode(&registry, &mut out);
    out
}

#[test]
fn every_metric_type_is_a_field() {
    let m = Everything::new();
    m.counter.inc();
    m.summary.observe(2.0);
    m.build.set([("version", "1.2.3")]).unwrap();
    m.phases.set(Phase::Running, true);
    m.phase.set(Phase::Running);
    m.queue.add(5.0);
    m.per_worker
        .labels(Worker {
            pool: Phase::Running,
        })
        .observe(1.5);
    assert_eq!(
        main_text(m),
        "\
# HELP counter_total A counter.
# TYPE counter_total counter
counter_total 1
# HELP float_counter_total A float counter.
# TYPE float_counter_total counter
float_counter_total 0.0
# HELP exemplars_total A counter with exemplars.
# TYPE exemplars_total counter
exemplars_total 0
# HELP gauge A gauge.
# TYPE gauge gauge
gauge 0.0
# HELP int_gauge An integer gauge.
# TYPE int_gauge gauge
int_gauge 0
# HELP histogram A histogram.
# TYPE histogram histogram
histogram_bucket{le=\"1.0\"} 0
histogram_bucket{le=\"+Inf\"} 0
histogram_sum 0.0
histogram_count 0
# HELP summary A summary.
# TYPE summary summary
summary_sum 2.0
summary_count 1
# HELP build_info Build facts.
# TYPE build_info gauge
build_info{version=\"1.2.3\"} 1
# HELP phases Phases that are on.
# TYPE phases gauge
phases{phases=\"starting\"} 0
phases{phases=\"running\"} 1
# HELP phase The current phase.
# TYPE phase gauge
phase{phase=\"starting\"} 0
phase{phase=\"running\"} 1
# HELP queue Items in the queue by size.
# TYPE queue histogram
queue_bucket{le=\"10.0\"} 1
queue_bucket{le=\"+Inf\"} 1
# HELP queue_gcount Items in the queue by size.
# TYPE queue_gcount gauge
queue_gcount 1
# HELP queue_gsum Items in the queue by size.
# TYPE queue_gsum gauge
queue_gsum 5.0
# HELP per_worker Summaries per worker.
# TYPE per_worker summary
per_worker_sum{pool=\"starting\"} 0.0
per_worker_count{pool=\"starting\"} 0
per_worker_sum{pool=\"running\"} 1.5
per_worker_count{pool=\"running\"} 1
# HELP queue_per_worker Gauge histograms per worker.
# TYPE queue_per_worker histogram
queue_per_worker_bucket{pool=\"starting\",le=\"10.0\"} 0
queue_per_worker_bucket{pool=\"starting\",le=\"+Inf\"} 0
queue_per_worker_bucket{pool=\"running\",le=\"10.0\"} 0
queue_per_worker_bucket{pool=\"running\",le=\"+Inf\"} 0
# HELP queue_per_worker_gcount Gauge histograms per worker.
# TYPE queue_per_worker_gcount gauge
queue_per_worker_gcount{pool=\"starting\"} 0
queue_per_worker_gcount{pool=\"running\"} 0
# HELP queue_per_worker_gsum Gauge histograms per worker.
# TYPE queue_per_worker_gsum gauge
queue_per_worker_gsum{pool=\"starting\"} 0.0
queue_per_worker_gsum{pool=\"running\"} 0.0
"
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Light {
    Red,
    Amber,
    Green,
}

// A state set writes one sample per state: 3 here, plus the counter's 1.
#[derive(Metrics)]
#[metrics(max_series = 4)]
struct WithinBudget {
    /// The light.
    light: StateSet<Light>,
    /// Changes.
    changes: Counter,
}

#[test]
fn a_state_set_counts_one_series_per_state_in_the_budget() {
    use promenade::__private::MetricGroup;
    assert_eq!(<WithinBudget as MetricGroup>::SERIES, 4);
    let _ = WithinBudget::new();
}

// A callback gauge is built in `new()` from the function `callback` names, and read at
// every scrape.
static DEPTH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn queue_depth() -> f64 {
    DEPTH.load(std::sync::atomic::Ordering::Relaxed) as f64
}

mod sources {
    pub fn half() -> f64 {
        0.5
    }
}

#[derive(Metrics)]
#[metrics(namespace = "jobs")]
struct Queue {
    /// Jobs waiting.
    #[metric(callback = queue_depth)]
    depth: promenade::CallbackGauge,
    /// Share of the pool in use.
    #[metric(callback = sources::half, unit = "ratio")]
    pool_used: promenade::CallbackGauge,
    /// Jobs taken.
    taken: Counter,
}

#[test]
fn a_callback_gauge_reads_its_function_at_each_scrape() {
    let registry = Registry::new();
    let queue = std::sync::Arc::new(Queue::new());
    registry.register(queue.clone()).unwrap();
    let scrape = || {
        let mut out = String::new();
        encode(&registry, &mut out);
        out
    };
    let expected = |depth: &str| {
        format!(
            "\
# HELP jobs_depth Jobs waiting.
# TYPE jobs_depth gauge
jobs_depth {depth}
# HELP jobs_pool_used_ratio Share of the pool in use.
# TYPE jobs_pool_used_ratio gauge
jobs_pool_used_ratio 0.5
# HELP jobs_taken_total Jobs taken.
# TYPE jobs_taken_total counter
jobs_taken_total 0
"
        )
    };
    assert_eq!(scrape(), expected("0.0"));
    DEPTH.store(7, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(scrape(), expected("7.0"));
    assert_eq!(queue.depth.get(), 7.0);
    use promenade::__private::MetricGroup;
    assert_eq!(<Queue as MetricGroup>::SERIES, 3);
}

// A family of state sets writes one sample per state for each label set: 2 workers x 3
// states here (it used to count 2).
#[derive(Metrics)]
#[metrics(max_series = 6)]
struct LightsPerWorker {
    /// The light of each worker.
    lights: Family<Worker, StateSet<Light>>,
}

#[test]
fn a_family_of_state_sets_counts_label_sets_times_states() {
    use promenade::__private::MetricGroup;
    assert_eq!(<LightsPerWorker as MetricGroup>::SERIES, 6);
    let m = LightsPerWorker::new();
    m.lights
        .labels(Worker {
            pool: Phase::Running,
        })
        .set(Light::Green, true);
    // The budget is what a scrape shows: six samples.
    assert_eq!(
        main_text_of(m),
        "\
# HELP lights The light of each worker.
# TYPE lights gauge
lights{pool=\"starting\",lights=\"red\"} 0
lights{pool=\"starting\",lights=\"amber\"} 0
lights{pool=\"starting\",lights=\"green\"} 0
lights{pool=\"running\",lights=\"red\"} 0
lights{pool=\"running\",lights=\"amber\"} 0
lights{pool=\"running\",lights=\"green\"} 1
"
    );
}

fn main_text_of(m: impl promenade::Collector) -> String {
    let registry = Registry::new();
    registry.register(m).unwrap();
    let mut out = String::new();
    encode(&registry, &mut out);
    out
}
