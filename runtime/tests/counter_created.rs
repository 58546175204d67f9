//! `_created` of the counters that keep no creation time themselves (`Counter`,
//! `FloatCounter`, one 8-byte atomic each): from their family, their registration, or a
//! derived struct's `global()`, renewed by `reset()` — and hidden by the Python client's
//! environment variable (the switch is tested in `om_created.rs`, a binary of its own).

#[path = "om_validator.rs"]
mod om_validator;

use std::sync::Arc;
use std::thread::sleep;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use promenade::encoding::openmetrics;
use promenade::registry::CollectMetric;
use promenade::{Counter, Family, FloatCounter, LabelSet, LabelValue, Metrics, Registry};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(limit = 10)]
    host: String,
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A gap the clock surely shows.
fn tick() {
    sleep(Duration::from_millis(20));
}

/// The OpenMetrics exposition, checked by the strict validator.
fn om(r: &Registry) -> String {
    let mut out = String::new();
    openmetrics::encode(r, &mut out);
    om_validator::check(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    out
}

/// The value of the `_created` sample whose line starts with `prefix` (name and labels).
fn created(exposition: &str, prefix: &str) -> f64 {
    let line = exposition
        .lines()
        .find(|l| l.starts_with(prefix) && l[prefix.len()..].starts_with(' '))
        .unwrap_or_else(|| panic!("no `{prefix}` in\n{exposition}"));
    line[prefix.len() + 1..].parse().unwrap()
}

#[test]
fn a_finite_family_creates_its_series_together_and_reset_renews_one() {
    let r = Registry::new();
    let family = Arc::new(Family::<Request, Counter>::new());
    r.register_metric("requests", "Requests.", family.clone())
        .unwrap();
    let before = now();
    family
        .labels(Request {
            method: Method::Get,
        })
        .inc_by(2);
    let after = now();
    let out = om(&r);
    assert_eq!(
        out.lines()
            .filter(|l| !l.contains("_created"))
            .collect::<Vec<_>>(),
        [
            "# TYPE requests counter",
            "# HELP requests Requests.",
            "requests_total{method=\"get\"} 2",
            "requests_total{method=\"post\"} 0",
            "# EOF"
        ]
    );
    let get = created(&out, "requests_created{method=\"get\"}");
    let post = created(&out, "requests_created{method=\"post\"}");
    // Both series were allocated together, at first use.
    assert_eq!(get, post);
    assert!(before <= get && get <= after, "{before} {get} {after}");

    tick();
    let reset_at = now();
    family
        .labels(Request {
            method: Method::Post,
        })
        .reset();
    let out = om(&r);
    assert_eq!(created(&out, "requests_created{method=\"get\"}"), get);
    let post = created(&out, "requests_created{method=\"post\"}");
    assert!(post >= reset_at && post > get, "{post} {reset_at} {get}");

    // `remove` on a finite family resets the series: a new creation time too.
    tick();
    let removed_at = now();
    assert!(family.remove(&Request {
        method: Method::Get
    }));
    let out = om(&r);
    assert!(created(&out, "requests_created{method=\"get\"}") >= removed_at);
    assert_eq!(created(&out, "requests_created{method=\"post\"}"), post);
}

#[test]
fn an_open_family_creates_each_series_when_first_seen() {
    let r = Registry::new();
    let family = Arc::new(Family::<Peer, FloatCounter>::new());
    r.register_metric("sent_bytes", "Bytes sent.", family.clone())
        .unwrap();
    let peer = |h: &str| Peer { host: h.to_owned() };
    family.labels(peer("a")).inc_by(1.5).unwrap();
    tick();
    let b_from = now();
    family.labels(peer("b")).inc();
    let out = om(&r);
    let a = created(&out, "sent_bytes_created{host=\"a\"}");
    let b = created(&out, "sent_bytes_created{host=\"b\"}");
    assert!(a < b_from && b >= b_from, "{a} {b_from} {b}");
    assert!(out.contains("sent_bytes_total{host=\"a\"} 1.5\n"), "{out}");

    // Removed and seen again: a new series, created anew.
    tick();
    let again = now();
    assert!(family.remove(&peer("a")));
    family.labels(peer("a")).inc();
    let out = om(&r);
    assert!(created(&out, "sent_bytes_created{host=\"a\"}") >= again);
    assert_eq!(created(&out, "sent_bytes_created{host=\"b\"}"), b);
}

#[test]
fn an_unlabelled_counter_is_created_when_registered_and_reset_renews_it() {
    let r = Registry::new();
    let jobs = Arc::new(Counter::new());
    let before = now();
    r.register_metric("jobs", "Jobs.", jobs.clone()).unwrap();
    let after = now();
    jobs.inc_by(3);
    let out = om(&r);
    assert!(out.starts_with("# TYPE jobs counter\n# HELP jobs Jobs.\njobs_total 3\njobs_created "));
    let first = created(&out, "jobs_created");
    assert!(
        before <= first && first <= after,
        "{before} {first} {after}"
    );

    tick();
    let reset_at = now();
    jobs.reset();
    let out = om(&r);
    assert!(out.contains("jobs_total 0\n"), "{out}");
    assert!(created(&out, "jobs_created") >= reset_at);

    // A static counter, registered by reference, too.
    static STATIC_JOBS: Counter = Counter::new();
    let r2 = Registry::new();
    let before = now();
    r2.register_metric("static_jobs", "Jobs.", &STATIC_JOBS)
        .unwrap();
    assert!(created(&om(&r2), "static_jobs_created") >= before);
}

#[test]
fn a_counter_built_where_a_reset_one_lived_keeps_its_own_creation_time() {
    // A reset counter moved away leaves its reset time behind at its old address; the
    // counter built there later must not inherit it.
    let r = Registry::new();
    let mut slots: Vec<Counter> = Vec::with_capacity(1);
    slots.push(Counter::new());
    slots[0].reset();
    let moved = slots.pop().unwrap(); // moved out: no drop at the old address
    drop(moved);
    tick();
    slots.push(Counter::new()); // the same address
    let before = now();
    let slots = Arc::new(slots);
    struct First(Arc<Vec<Counter>>);
    impl CollectMetric for First {
        const TYPE: promenade::MetricType = promenade::MetricType::Counter;
        fn collect_points(
            &self,
            labels: &dyn promenade::labels::EncodeLabels,
            sink: &mut dyn promenade::registry::Sink,
        ) {
            self.0[0].collect_points(labels, sink)
        }
    }
    r.register_metric("slot", "Slot.", First(slots.clone()))
        .unwrap();
    assert!(created(&om(&r), "slot_created") >= before);
}

#[test]
fn a_collector_sending_a_creation_time_that_is_not_finite_is_faulty() {
    use promenade::registry::{Collector, Descriptor, Number, Point, Sink};
    use promenade::MetricType;
    struct Bad;
    impl Collector for Bad {
        fn describe(&self) -> Vec<Descriptor> {
            vec![Descriptor::new("bad", "Bad.", MetricType::Counter, "test")]
        }
        fn collect(&self, sink: &mut dyn Sink) {
            sink.family(&self.describe()[0]);
            let created = Some(f64::NAN);
            let value = Number::Int(1);
            sink.point(&(), Point::Counter { value, created });
        }
        fn collector_name(&self) -> std::borrow::Cow<'static, str> {
            "bad".into()
        }
    }
    let r = Registry::new();
    r.register(Bad).unwrap();
    let out = om(&r);
    assert!(!out.contains("bad_total"), "{out}");
    assert!(
        out.contains("promenade_collector_failures_total{collector=\"bad\"} 1\n"),
        "{out}"
    );
}

/// A struct whose `global()` is built long before the default registry exists.
#[derive(Metrics)]
#[metrics(namespace = "created_test")]
struct Batch {
    /// Items processed.
    items: Counter,
}

#[test]
fn a_derived_global_is_created_when_built_not_when_first_scraped() {
    let before = now();
    Batch::global().items.inc();
    let after = now();
    tick();
    let mut out = String::new();
    openmetrics::encode(promenade::default_registry(), &mut out);
    let c = created(&out, "created_test_items_created");
    assert!(before <= c && c <= after, "{before} {c} {after}");
}

/// Run by [`the_python_clients_environment_variable_hides_created`] in a child process
/// with the variable set; ignored otherwise.
#[test]
#[ignore = "run in a child process with PROMETHEUS_DISABLE_CREATED_SERIES set"]
fn child_with_created_disabled_by_the_environment() {
    assert_eq!(
        std::env::var(promenade::metrics::DISABLE_CREATED_ENV).as_deref(),
        Ok("True")
    );
    assert!(!promenade::metrics::created_metrics_enabled());
    let r = Registry::new();
    r.register_metric("jobs", "Jobs.", Arc::new(Counter::new()))
        .unwrap();
    assert_eq!(
        om(&r),
        "# TYPE jobs counter\n# HELP jobs Jobs.\njobs_total 0\n# EOF\n"
    );
    // An explicit call still wins over the environment.
    promenade::enable_created_metrics();
    assert!(om(&r).contains("jobs_created "));
}

#[test]
fn the_python_clients_environment_variable_hides_created() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_with_created_disabled_by_the_environment",
            "--ignored",
            "--test-threads=1",
        ])
        .env(promenade::metrics::DISABLE_CREATED_ENV, "True")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the child test failed: {status}");
}
