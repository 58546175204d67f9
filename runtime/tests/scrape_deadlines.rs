//! Collectors that block: collected on a thread of their own under a deadline, left out
//! (and counted) when they run past it, never re-entered while they hang; in axum the
//! scrape runs off the async workers, so the rest of the app keeps answering.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use promenade::metrics::ExemplarLabels;
use promenade::registry::{Collector, Descriptor, Sink};
use promenade::{
    CallbackGauge, Counter, CounterWithExemplar, Family, Histogram, Info, LabelSet, LabelValue,
    MetricType, Metrics, Registry, Summary,
};

/// A gate collectors wait at until the test opens it.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, cv) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
    }
    fn open(&self) {
        let (open, cv) = &*self.0;
        *open.lock().unwrap() = true;
        cv.notify_all();
    }
}

/// A collector that asks a service that does not answer until the gate opens.
struct Stuck(Gate);

impl Collector for Stuck {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            "stuck_depth",
            "Depth.",
            MetricType::Gauge,
            "Stuck",
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        self.0.wait();
        sink.family(&Descriptor::new(
            "stuck_depth",
            "Depth.",
            MetricType::Gauge,
            "Stuck",
        ));
        sink.point(&(), promenade::registry::Point::Gauge(7.into()));
    }
}

fn registry_with_stuck(gate: &Gate, timeout: Duration) -> (Arc<Registry>, Arc<Counter>) {
    let registry = Arc::new(Registry::new());
    registry.set_collector_timeout(timeout);
    let jobs = Arc::new(Counter::new());
    registry
        .register_metric("jobs", "Jobs.", jobs.clone())
        .unwrap();
    registry.register(Stuck(gate.clone())).unwrap();
    jobs.inc();
    (registry, jobs)
}

/// The gate opens when the test ends however it ends, so no worker is left waiting.
struct OpenOnDrop(Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

#[test]
fn a_stuck_collector_is_left_out_counted_and_not_started_again() {
    let gate = Gate::default();
    let _open = OpenOnDrop(gate.clone());
    let (registry, _jobs) = registry_with_stuck(&gate, Duration::from_millis(300));
    let started = Instant::now();
    let text = promenade::encoding::text::encode_to_string(&registry);
    // A correctness bound (the deadline is 300 ms), not a speed claim.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the scrape waited {:?} for a collector with a 300 ms deadline",
        started.elapsed()
    );
    assert!(text.contains("jobs_total 1\n"), "{text}");
    assert!(!text.contains("stuck_depth"), "{text}");
    assert!(
        text.contains(
            "promenade_collector_timeouts_total{collector=\"scrape_deadlines::Stuck\"} 1\n"
        ),
        "{text}"
    );
    // Still hanging: the next scrape leaves it out at once instead of starting it again.
    let text = promenade::encoding::text::encode_to_string(&registry);
    assert!(
        text.contains(
            "promenade_collector_timeouts_total{collector=\"scrape_deadlines::Stuck\"} 2\n"
        ),
        "{text}"
    );
    // Once it returns, it is back.
    gate.open();
    let mut back = false;
    for _ in 0..100 {
        let text = promenade::encoding::text::encode_to_string(&registry);
        if text.contains("stuck_depth 7") {
            back = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        back,
        "the collector's families did not come back once it returned: {}",
        promenade::encoding::text::encode_to_string(&registry)
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Kind {
    Read,
    Write,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct KindLabels {
    kind: Kind,
}

fn depth() -> f64 {
    4.0
}

/// Every kind of point, to compare what a blocking collector's replay shows with what
/// the same metrics show collected inline.
#[derive(Metrics)]
#[metrics(self_register = false)]
struct Rich {
    /// Operations by kind.
    ops: Family<KindLabels, Counter>,
    /// Traced operations.
    traced: CounterWithExemplar,
    /// Latency.
    #[metric(buckets = [0.1, 1.0])]
    latency_seconds: Family<KindLabels, Histogram>,
    /// Sizes.
    size_bytes: Summary,
    /// Version.
    version: Info,
}

/// Plain metrics only: collected on the scraping thread.
#[derive(Metrics)]
#[metrics(self_register = false)]
struct Plain {
    /// Jobs.
    jobs: Counter,
}

/// A callback field: the struct may block.
#[derive(Metrics)]
#[metrics(self_register = false)]
struct WithCallback {
    /// The queue's depth, read at each scrape.
    #[metric(callback = depth)]
    depth: CallbackGauge,
}

/// Nests one that may block.
#[derive(Metrics)]
#[metrics(self_register = false)]
struct Outer {
    /// Nested.
    #[metric(nested)]
    inner: WithCallback,
}

/// Forwards to `C`, but says it may block.
struct Blocking<C>(Arc<C>);

impl<C: Collector> Collector for Blocking<C> {
    fn describe(&self) -> Vec<Descriptor> {
        self.0.describe()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        self.0.collect(sink)
    }
}

#[test]
fn which_collectors_may_block() {
    assert!(!Plain::new().may_block());
    assert!(!Rich::new().may_block());
    assert!(WithCallback::new().may_block());
    assert!(Outer::new().may_block());
    assert!(
        Stuck(Gate::default()).may_block(),
        "a collector of your own, by default"
    );
    let named =
        promenade::registry::Named::new("g", "G.", Arc::new(CallbackGauge::new(depth))).unwrap();
    assert!(named.may_block());
    let named = promenade::registry::Named::new("c", "C.", Arc::new(Counter::new())).unwrap();
    assert!(!named.may_block());
}

#[test]
fn a_blocking_collector_s_replay_shows_what_inline_collection_shows() {
    let rich = Arc::new(Rich::new());
    rich.ops.labels(KindLabels { kind: Kind::Read }).inc_by(3);
    let trace = ExemplarLabels::new([("trace_id", "abc")]).unwrap();
    rich.traced.inc_with_exemplar(2, &trace);
    rich.latency_seconds
        .labels(KindLabels { kind: Kind::Write })
        .observe_with_exemplar(0.5, &trace);
    rich.size_bytes.observe(-3.0); // a negative sum: OpenMetrics leaves _sum/_count out
    rich.version.set([("version", "1.2")]).unwrap();
    let inline = Registry::new();
    inline.register(rich.clone()).unwrap();
    let blocking = Registry::new();
    blocking.register(Blocking(rich.clone())).unwrap();
    // Unlabelled series are created with their registration: those lines differ.
    let strip = |s: String| {
        s.lines()
            .filter(|l| !(l.starts_with("traced_created") || l.starts_with("size_bytes_created")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = |r: &Registry| promenade::encoding::text::encode_to_string(r);
    let om = |r: &Registry| {
        let mut s = String::new();
        promenade::encoding::openmetrics::encode(r, &mut s);
        s
    };
    assert_eq!(strip(text(&blocking)), strip(text(&inline)));
    let replayed = om(&blocking);
    assert_eq!(strip(replayed.clone()), strip(om(&inline)));
    assert!(replayed.contains("# {trace_id=\"abc\"} 0.5"), "{replayed}");
    assert!(
        replayed.contains("ops_created{kind=\"read\"}"),
        "{replayed}"
    );
}

/// An app on a single async worker: the worst case for a scrape that blocks it.
struct App {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_on_one_worker(registry: Arc<Registry>) -> App {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            let app = axum::Router::new()
                .route("/hello", axum::routing::get(|| async { "hi\n" }))
                .route("/metrics", promenade::axum::metrics_for(registry));
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
    });
    App {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    }
}

/// `GET path` with a read deadline: the status, or the error when no answer came in time.
fn get_within(
    addr: SocketAddr,
    path: &str,
    headers: &str,
    within: Duration,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(within))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n"
    )?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

#[test]
fn in_axum_two_stuck_scrapes_do_not_stall_the_app() {
    let gate = Gate::default();
    let _open = OpenOnDrop(gate.clone());
    let (registry, _jobs) = registry_with_stuck(&gate, Duration::from_secs(2));
    let app = serve_on_one_worker(registry);
    let addr = app.addr;
    let scrapes: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(move || get_within(addr, "/metrics", "", Duration::from_secs(20)))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // While both scrapes wait for the stuck collector, another route answers at once.
    let hello = get_within(addr, "/hello", "", Duration::from_secs(1));
    assert!(
        matches!(&hello, Ok((200, body)) if body.ends_with("hi\n")),
        "an unrelated route got no answer while two scrapes were stuck: {hello:?}"
    );
    for s in scrapes {
        let (status, body) = s.join().unwrap().unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("jobs_total 1"), "{body}");
        assert!(!body.contains("stuck_depth"), "{body}");
        assert!(
            body.contains("promenade_collector_timeouts_total"),
            "{body}"
        );
    }
}

#[test]
fn prometheus_s_scrape_timeout_header_shortens_the_wait() {
    let gate = Gate::default();
    let _open = OpenOnDrop(gate.clone());
    // A collector timeout far beyond the scrape's: the header decides.
    let (registry, _jobs) = registry_with_stuck(&gate, Duration::from_secs(60));
    let app = serve_on_one_worker(registry);
    let started = Instant::now();
    let (status, body) = get_within(
        app.addr,
        "/metrics",
        "X-Prometheus-Scrape-Timeout-Seconds: 0.5\r\n",
        Duration::from_secs(20),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("stuck_depth"), "{body}");
    // A correctness bound: 90% of 0.5 s, not the 60 s collector timeout.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the scrape took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_scrape_still_serves_everything_else_when_a_collector_panics_on_its_thread() {
    struct Panics;
    impl Collector for Panics {
        fn describe(&self) -> Vec<Descriptor> {
            Vec::new()
        }
        fn collect(&self, _: &mut dyn Sink) {
            panic!("the service is gone");
        }
    }
    let registry = Registry::new();
    let jobs = Arc::new(Counter::new());
    registry
        .register_metric("jobs", "Jobs.", jobs.clone())
        .unwrap();
    let panics = registry.register(Panics).unwrap();
    let text = promenade::encoding::text::encode_to_string(&registry);
    assert!(text.contains("jobs_total 0\n"), "{text}");
    assert!(
        text.contains("promenade_collector_failures_total{collector=\"scrape_deadlines::a_scrape_still_serves_everything_else_when_a_collector_panics_on_its_thread::Panics\"} 1"),
        "{text}"
    );
    assert_eq!(
        registry.last_failure(panics).as_deref(),
        Some("the collector panicked")
    );
}
