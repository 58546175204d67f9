//! Prints one exposition holding every metric type promenade has — with exemplars, units,
//! `_created` and awkward label values — in the format named by the first argument:
//!
//! ```text
//! cargo run --example exposition_formats -- text          # Prometheus text 0.0.4
//! cargo run --example exposition_formats -- openmetrics   # OpenMetrics 1.0
//! ```
//!
//! `scripts/e2e-parsers.sh` feeds both outputs to independent parsers (the Python client's
//! strict OpenMetrics parser and its 0.0.4 parser, and `promtool check metrics`).

use std::process::ExitCode;
use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::metrics::{ExemplarLabels, Quantiles};
use promenade::registry::Named;
use promenade::{
    Buckets, Counter, CounterWithExemplar, Enum, Family, FloatCounter, Gauge, GaugeHistogram,
    Histogram, Info, IntGauge, LabelSet, LabelValue, Registry, StateSet, Summary,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Running,
    Draining,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Feature {
    Search,
    Upload,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
    cached: bool,
}

/// A label set with an open value, to carry awkward strings.
#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Path {
    #[label(limit = 32)]
    path: String,
}

/// Label values every text format must escape or pass through exactly.
const AWKWARD: &[&str] = &[
    "plain",
    "quote\"inside",
    "back\\slash",
    "new\nline",
    "hash # and brace } { , =",
    "unicode: é ü 日本 🚀",
    "",
    "trailing\\",
];

fn registry() -> Result<Registry, promenade::Error> {
    let r = Registry::new();
    let trace = ExemplarLabels::new([("trace_id", "4bf92f3577b34da6")])?;

    let requests: Arc<Family<Request, Counter>> = Arc::new(Family::new());
    requests
        .labels(Request {
            method: Method::Get,
            cached: true,
        })
        .inc_by(7);
    requests
        .labels(Request {
            method: Method::Post,
            cached: false,
        })
        .inc();
    r.register_metric("http_requests", "Requests served.", requests)?;

    let jobs = Arc::new(CounterWithExemplar::new());
    jobs.inc_with_exemplar(3, &trace);
    r.register_metric("jobs_processed_total", "Jobs processed.", jobs)?;

    let bytes = Arc::new(FloatCounter::new());
    bytes.inc_by(1536.5)?;
    r.register(Named::new("sent_bytes", "Bytes sent.", bytes)?.with_unit("bytes")?)?;

    let temperature = Arc::new(Gauge::new());
    temperature.set(-3.25);
    r.register(
        Named::new("room_temperature_celsius", "Room temperature.", temperature)?
            .with_unit("celsius")?,
    )?;

    let workers = Arc::new(IntGauge::new());
    workers.set(4);
    r.register_metric("busy_workers", "Workers busy right now.", workers)?;

    let latency = Arc::new(Histogram::new(Buckets::new([0.005, 0.1, 1.0, 1e6])?));
    latency.observe(0.003);
    latency.observe(0.2);
    latency.observe_with_exemplar(0.7, &trace);
    r.register(Named::new("request_latency_seconds", "Latency.", latency)?.with_unit("seconds")?)?;

    let sizes = Arc::new(Summary::with_quantiles(Quantiles::new([0.5, 0.9, 0.99])?));
    for v in [100.0, 250.0, 400.0, 800.0] {
        sizes.observe(v);
    }
    r.register_metric("request_size_bytes", "Request sizes.", sizes)?;

    let build = Arc::new(Info::new());
    build.set([("version", "1.2.3"), ("commit", "abc\"def")])?;
    r.register_metric("build", "Build facts.", build)?;

    let phase: Arc<Enum<Phase>> = Arc::new(Enum::new());
    phase.set(Phase::Running);
    r.register_metric("phase", "Lifecycle phase.", phase)?;

    let features: Arc<StateSet<Feature>> = Arc::new(StateSet::new());
    features.set(Feature::Upload, true);
    r.register_metric("features", "Enabled features.", features)?;

    let queue = Arc::new(GaugeHistogram::new(Buckets::new([10.0, 60.0])?));
    queue.add(3.0);
    queue.add(30.0);
    queue.add(300.0);
    r.register_metric("queue_item_age_seconds", "Age of queued items.", queue)?;

    // Values OpenMetrics restricts: its exposition leaves out the negative quantiles, the
    // negative or NaN `_sum` (with `_count`), the `_gsum` that would be negative over
    // non-negative buckets (with `_gcount`), and keeps no exemplar for NaN.
    let offsets = Arc::new(Summary::with_quantiles(Quantiles::new([0.0, 0.5, 1.0])?));
    for v in [-4.0, -1.0, 2.0] {
        offsets.observe(v);
    }
    r.register_metric("clock_offset_seconds", "Negative observations.", offsets)?;
    let broken = Arc::new(Summary::new());
    broken.observe(1.0);
    broken.observe(f64::NAN);
    r.register_metric("broken_reading", "A NaN observation.", broken)?;
    let debts = Arc::new(GaugeHistogram::new(Buckets::new([1.0, 2.0])?));
    debts.add(-1.5);
    r.register_metric("open_debt_amount", "A negative value.", debts)?;
    let probe = Arc::new(Histogram::new(Buckets::new([1.0])?));
    probe.observe_with_exemplar(0.5, &trace);
    probe.observe_with_exemplar(f64::NAN, &trace);
    r.register_metric("probe_value", "A NaN observation with an exemplar.", probe)?;

    let by_path: Arc<Family<Path, Counter>> = Arc::new(Family::with_limit(32));
    for (i, v) in AWKWARD.iter().enumerate() {
        by_path
            .labels(Path {
                path: (*v).to_owned(),
            })
            .inc_by(i as u64 + 1);
    }
    r.register_metric(
        "awkward_labels",
        "Label values with \"quotes\", back\\slashes and a\nnewline in HELP.",
        by_path,
    )?;
    Ok(r)
}

fn main() -> ExitCode {
    let format = std::env::args().nth(1).unwrap_or_default();
    let registry = match registry() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("exposition_formats: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = String::new();
    match format.as_str() {
        "text" => text::encode(&registry, &mut out),
        "openmetrics" => openmetrics::encode(&registry, &mut out),
        _ => {
            eprintln!("usage: exposition_formats text|openmetrics");
            return ExitCode::from(2);
        }
    }
    print!("{out}");
    ExitCode::SUCCESS
}
