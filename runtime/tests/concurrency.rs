//! The runtime under concurrent use, read back through the registry and the text encoder:
//! nothing lost, histograms consistent in every exposition, label values and HELP text
//! escaped so that a strict reader gets the original strings back, and open families that
//! overflow visibly instead of growing without bound.
//!
//! Runtime API only (hand-written label sets): this file does not depend on the macros.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use promenade::labels::{LabelValueWriter, LabelWriter};
use promenade::{Buckets, Counter, Family, Histogram, LabelSet, LabelValue, Registry};

use common::{parse_strict, parse_with_prometheus_parse, AWKWARD_LABEL_VALUES};

const THREADS: usize = 8;
const INCREMENTS: usize = 1_000_000;

/// A finite label value, written by hand as `#[derive(LabelValue)]` would.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Method {
    Get,
    Post,
    Delete,
}

impl LabelValue for Method {
    const CARDINALITY: Option<usize> = Some(3);
    fn index(&self) -> usize {
        *self as usize
    }
    fn from_index(index: usize) -> Option<Self> {
        [Method::Get, Method::Post, Method::Delete]
            .get(index)
            .copied()
    }
    fn encode(&self, out: &mut LabelValueWriter<'_>) {
        out.write_str(match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Delete => "delete",
        });
    }
}

/// Two finite labels: 3 × 2 = 6 series.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Request {
    method: Method,
    ok: bool,
}

impl LabelSet for Request {
    const NAMES: &'static [&'static str] = &["method", "ok"];
    const CARDINALITY: Option<usize> = Some(6);
    fn index(&self) -> usize {
        self.method.index() * 2 + self.ok.index()
    }
    fn from_index(index: usize) -> Option<Self> {
        Some(Request {
            method: Method::from_index(index / 2)?,
            ok: bool::from_index(index % 2)?,
        })
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("method", &self.method);
        out.label("ok", &self.ok);
    }
}

/// An open label set of two strings (needs a series limit).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Peer {
    host: String,
    path: String,
}

impl LabelSet for Peer {
    const NAMES: &'static [&'static str] = &["host", "path"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("host", &self.host);
        out.label("path", &self.path);
    }
}

fn peer(host: &str, path: &str) -> Peer {
    Peer {
        host: host.to_owned(),
        path: path.to_owned(),
    }
}

fn exposition(registry: &Registry) -> String {
    let mut out = String::new();
    promenade::encoding::text::encode(registry, &mut out);
    out
}

#[test]
fn nothing_is_lost_under_contention() {
    let registry = Registry::new();
    let requests: Arc<Family<Request, Counter>> = Arc::new(Family::new());
    let jobs = Arc::new(Counter::new());
    registry
        .register_metric("requests", "Requests.", requests.clone())
        .unwrap();
    registry
        .register_metric("jobs", "Jobs.", jobs.clone())
        .unwrap();

    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (requests, jobs, start) = (requests.clone(), jobs.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                for i in 0..INCREMENTS {
                    // Every thread walks all six series, from a different starting point,
                    // so each series is hit by all threads at once.
                    let l = Request::from_index((i + t) % 6).unwrap();
                    requests.labels(l).inc();
                    jobs.inc();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }

    assert_eq!(
        registry.get_sample_value("jobs_total", &[]),
        Some((THREADS * INCREMENTS) as f64)
    );
    let mut total = 0.0;
    for index in 0..6 {
        let l = Request::from_index(index).unwrap();
        // How many (t, i) pairs hit this series.
        let expected = (0..THREADS)
            .map(|t| (0..INCREMENTS).filter(|i| (i + t) % 6 == index).count())
            .sum::<usize>() as f64;
        let method = ["get", "post", "delete"][index / 2];
        let ok = ["false", "true"][index % 2];
        let got = registry.get_sample_value("requests_total", &[("method", method), ("ok", ok)]);
        assert_eq!(
            got,
            Some(expected),
            "requests_total{{method={method},ok={ok}}}"
        );
        assert_eq!(requests.labels(l).get() as f64, expected);
        total += expected;
    }
    assert_eq!(total, (THREADS * INCREMENTS) as f64);

    // The encoder shows the same numbers, integers written as integers.
    let text = exposition(&registry);
    assert!(text.contains("jobs_total 8000000\n"), "{text}");
    let parsed = parse_strict(&text).unwrap();
    assert_eq!(
        parsed.samples().map(|s| s.value).sum::<f64>(),
        2.0 * (THREADS * INCREMENTS) as f64
    );
}

#[test]
fn open_family_loses_nothing_under_contention() {
    let registry = Registry::new();
    let errors: Arc<Family<Peer, Counter>> = Arc::new(Family::with_limit(100));
    registry
        .register_metric("peer_errors", "Errors by peer.", errors.clone())
        .unwrap();
    const PER_THREAD: usize = 100_000;
    let hosts = ["a", "b", "c", "d"];
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (errors, start) = (errors.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                for i in 0..PER_THREAD {
                    // New series are created concurrently: every thread races to create
                    // the same four.
                    errors.labels(peer(hosts[(i + t) % 4], "/")).inc();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    for host in hosts {
        assert_eq!(
            registry.get_sample_value("peer_errors_total", &[("host", host), ("path", "/")]),
            Some((THREADS * PER_THREAD / 4) as f64),
            "host {host}"
        );
    }
    assert_eq!(errors.overflow_count(), 0);
}

#[test]
fn histograms_are_consistent_in_every_exposition_under_concurrent_observe() {
    let registry = Registry::new();
    let buckets = Buckets::new([0.1, 0.5, 1.0, 5.0]).unwrap();
    let latency = Arc::new(Histogram::new(buckets.clone()));
    let by_method: Arc<Family<Request, Histogram>> = Arc::new(Family::with_config(buckets.clone()));
    registry
        .register_metric("latency_seconds", "Latency.", latency.clone())
        .unwrap();
    registry
        .register_metric(
            "method_latency_seconds",
            "Latency by method.",
            by_method.clone(),
        )
        .unwrap();

    const OBSERVERS: usize = 4;
    const ENCODINGS: usize = 150;
    let values = [0.05, 0.3, 0.7, 3.0, 10.0, f64::NAN];
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(OBSERVERS + 1));

    // Observers run until told to stop, so every one of the encodings below overlaps
    // with observations however fast or slow the machine is; each returns its count.
    let observers: Vec<_> = (0..OBSERVERS)
        .map(|t| {
            let (latency, by_method) = (latency.clone(), by_method.clone());
            let (stop, start) = (stop.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    // NaN only in the labelled family, so the unlabelled sum stays finite.
                    latency.observe(values[(i + t) % 5]);
                    by_method
                        .labels(Request::from_index(i % 6).unwrap())
                        .observe(values[(i * 7 + t) % 6]);
                    i += 1;
                }
                i
            })
        })
        .collect();

    start.wait();
    let mut counts_seen = Vec::with_capacity(ENCODINGS);
    for encoding in 0..ENCODINGS {
        let text = exposition(&registry);
        let parsed = parse_strict(&text)
            .unwrap_or_else(|e| panic!("inconsistent exposition #{encoding}: {e}\n{text}"));
        // The independent parser agrees on the invariant too.
        for s in parse_with_prometheus_parse(&text).samples {
            if let prometheus_parse::Value::Histogram(b) = &s.value {
                let counts: Vec<f64> = b.iter().map(|c| c.count).collect();
                assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
                let count = parsed
                    .value(&format!("{}_count", s.metric), &label_pairs(&s.labels))
                    .unwrap();
                let inf = b.iter().find(|c| c.less_than == f64::INFINITY).unwrap();
                assert_eq!(inf.count, count, "{}", s.metric);
            }
        }
        counts_seen.push(parsed.value("latency_seconds_count", &[]).unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    let per_thread: Vec<usize> = observers.into_iter().map(|o| o.join().unwrap()).collect();
    let n: usize = per_thread.iter().sum();

    // The encodings really did catch the histograms mid-way, growing.
    assert!(
        counts_seen.windows(2).all(|w| w[0] <= w[1]),
        "a later exposition showed a smaller _count"
    );
    let distinct = counts_seen.windows(2).filter(|w| w[0] < w[1]).count();
    assert!(
        distinct > ENCODINGS / 10,
        "only {distinct} of {ENCODINGS} expositions saw new observations: the test did not exercise concurrency"
    );

    // Once quiet, the totals are exact.
    let n = n as f64;
    assert_eq!(
        registry.get_sample_value("latency_seconds_count", &[]),
        Some(n)
    );
    assert_eq!(
        registry.get_sample_value("latency_seconds_bucket", &[("le", "+Inf")]),
        Some(n)
    );
    let mut sum_counts = 0.0;
    for index in 0..6 {
        let l = Request::from_index(index).unwrap();
        sum_counts += by_method.labels(l).snapshot().count() as f64;
    }
    assert_eq!(sum_counts, n);
    // Every observation is in its bucket: thread t observed values[(i + t) % 5] for i in
    // 0..n_t, that is 0.05, 0.3, 0.7, 3 and 10 against bounds 0.1, 0.5, 1, 5.
    let mut per_value = [0usize; 5];
    for (t, n_t) in per_thread.iter().enumerate() {
        for (k, slot) in per_value.iter_mut().enumerate() {
            // How many i in 0..n_t have (i + t) % 5 == k.
            let first = (k + 5 - t % 5) % 5;
            *slot += if first < *n_t {
                (n_t - first).div_ceil(5)
            } else {
                0
            };
        }
    }
    let mut cumulative = 0;
    for (k, le) in ["0.1", "0.5", "1.0", "5.0", "+Inf"].iter().enumerate() {
        cumulative += per_value[k];
        assert_eq!(
            registry.get_sample_value("latency_seconds_bucket", &[("le", le)]),
            Some(cumulative as f64),
            "le={le}"
        );
    }
}

fn label_pairs(labels: &prometheus_parse::Labels) -> Vec<(&str, &str)> {
    labels
        .iter()
        .filter(|(k, _)| *k != "le")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn label_values_round_trip_through_the_exposition() {
    let registry = Registry::new();
    let family: Arc<Family<Peer, Counter>> =
        Arc::new(Family::with_limit(AWKWARD_LABEL_VALUES.len() * 2));
    registry
        .register_metric("awkward", "Awkward label values.", family.clone())
        .unwrap();
    // Each value once as `host` (with a plain `path`), once as `path`, with distinct counts.
    for (i, v) in AWKWARD_LABEL_VALUES.iter().enumerate() {
        family.labels(peer(v, "p")).inc_by(i as u64 + 1);
        family.labels(peer("h", v)).inc_by(1000 + i as u64);
    }
    let text = exposition(&registry);
    let parsed = parse_strict(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let samples: Vec<_> = parsed.family("awkward_total").unwrap().samples.clone();
    assert_eq!(samples.len(), AWKWARD_LABEL_VALUES.len() * 2, "{text}");
    for (i, v) in AWKWARD_LABEL_VALUES.iter().enumerate() {
        let as_host = samples
            .iter()
            .find(|s| s.has_labels(&[("host", v), ("path", "p")]))
            .unwrap_or_else(|| panic!("host={v:?} did not read back\n{text}"));
        assert_eq!(as_host.value, i as f64 + 1.0, "host={v:?}");
        let as_path = samples
            .iter()
            .find(|s| s.has_labels(&[("host", "h"), ("path", v)]))
            .unwrap_or_else(|| panic!("path={v:?} did not read back\n{text}"));
        assert_eq!(as_path.value, 1000.0 + i as f64, "path={v:?}");
    }
    // No raw newline inside a sample line: one line per series, plus HELP and TYPE (no
    // overflow self-metric: the family never overflowed).
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("awkward_total{"))
            .count(),
        AWKWARD_LABEL_VALUES.len() * 2
    );
    assert_eq!(
        text.lines().count(),
        AWKWARD_LABEL_VALUES.len() * 2 + 2,
        "{text}"
    );

    // The registry's own sample view agrees.
    for v in AWKWARD_LABEL_VALUES {
        assert!(
            registry
                .get_sample_value("awkward_total", &[("host", v), ("path", "p")])
                .is_some(),
            "get_sample_value host={v:?}"
        );
    }
}

/// `prometheus-parse` 0.2 splits label lists on `,` and `=`, stops at the first `}` and
/// never unescapes, so only values free of those characters and of escapes can be
/// compared through it. Those must read back exactly.
#[test]
fn label_values_read_back_by_prometheus_parse() {
    let registry = Registry::new();
    let family: Arc<Family<Peer, Counter>> = Arc::new(Family::with_limit(16));
    registry
        .register_metric(
            "friendly",
            "Values prometheus-parse can read.",
            family.clone(),
        )
        .unwrap();
    let values = [
        "plain",
        "",
        "#",
        "{",
        "héllo wörld ✓ 日本語 🦀",
        "with spaces",
        "a:b/c.d",
    ];
    for (i, v) in values.iter().enumerate() {
        family.labels(peer(v, "p")).inc_by(i as u64 + 1);
    }
    let text = exposition(&registry);
    let scrape = parse_with_prometheus_parse(&text);
    let friendly = scrape
        .samples
        .iter()
        .filter(|s| s.metric == "friendly_total")
        .count();
    assert_eq!(friendly, values.len(), "{text}");
    for (i, v) in values.iter().enumerate() {
        let s = scrape
            .samples
            .iter()
            .find(|s| s.labels.get("host") == Some(v))
            .unwrap_or_else(|| panic!("host={v:?} not read back by prometheus-parse\n{text}"));
        assert_eq!(s.metric, "friendly_total");
        assert_eq!(s.labels.get("path"), Some("p"));
        assert_eq!(s.value, prometheus_parse::Value::Counter(i as f64 + 1.0));
    }
    assert_eq!(
        scrape.docs.get("friendly_total").map(String::as_str),
        Some("Values prometheus-parse can read.")
    );
}

#[test]
fn help_text_round_trips() {
    let registry = Registry::new();
    let help =
        "Bytes read from C:\\data\\in, per \"device\".\nSecond line: 100% {ok} # not a comment \\n";
    registry
        .register_metric("read_bytes", help, Arc::new(Counter::new()))
        .unwrap();
    let text = exposition(&registry);
    // Only `\` and newline are escaped in HELP; `"` stays as it is (promtool rejects `\"`).
    assert!(
        text.starts_with(
            "# HELP read_bytes_total Bytes read from C:\\\\data\\\\in, per \"device\".\\nSecond line: 100% {ok} # not a comment \\\\n\n"
        ),
        "{text}"
    );
    let parsed = parse_strict(&text).unwrap();
    assert_eq!(
        parsed.family("read_bytes_total").unwrap().help.as_deref(),
        Some(help)
    );
}

#[test]
fn open_family_past_its_limit_keeps_its_series_and_shows_the_overflow() {
    let registry = Registry::new();
    let errors: Arc<Family<Peer, Counter>> = Arc::new(Family::with_limit(3));
    registry
        .register_metric("peer_errors", "Errors by peer.", errors.clone())
        .unwrap();
    let finite: Arc<Family<Request, Counter>> = Arc::new(Family::new());
    registry
        .register_metric("requests", "Requests.", finite.clone())
        .unwrap();

    // Before any overflow the self-metric is not there at all: no series at zero per
    // open family, no HELP or TYPE line.
    let text = exposition(&registry);
    assert!(!text.contains("promenade_family_overflow"), "{text}");
    for h in ["a", "b", "c"] {
        errors.labels(peer(h, "/")).inc();
    }
    let text = exposition(&registry);
    assert!(
        !text.contains("promenade_family_overflow"),
        "at the limit, not past it\n{text}"
    );

    // Three lookups past the limit, two of them for the same new label set.
    errors.labels(peer("d", "/")).inc();
    errors.labels(peer("e", "/x")).inc_by(5);
    errors.labels(peer("d", "/")).inc();
    // Existing series keep counting.
    errors.labels(peer("a", "/")).inc_by(10);

    let text = exposition(&registry);
    let parsed = parse_strict(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let value = |host: &str, path: &str| {
        parsed.value("peer_errors_total", &[("host", host), ("path", path)])
    };
    assert_eq!(value("a", "/"), Some(11.0), "{text}");
    assert_eq!(value("b", "/"), Some(1.0));
    assert_eq!(value("c", "/"), Some(1.0));
    assert_eq!(value("d", "/"), None, "d must not get a series of its own");
    assert_eq!(value("e", "/x"), None);
    assert_eq!(value("__overflow__", "__overflow__"), Some(7.0), "{text}");
    assert_eq!(parsed.family("peer_errors_total").unwrap().samples.len(), 4);
    assert_eq!(
        parsed.value(
            "promenade_family_overflow_total",
            &[("family", "peer_errors")]
        ),
        Some(3.0),
        "{text}"
    );
    // Only the family that overflowed has a series there.
    let overflow = parsed.family("promenade_family_overflow_total").unwrap();
    assert_eq!(overflow.kind.as_deref(), Some("counter"));
    assert_eq!(overflow.samples.len(), 1, "{text}");
    assert_eq!(errors.overflow_count(), 3);
    assert_eq!(
        registry.get_sample_value(
            "peer_errors_total",
            &[("host", "__overflow__"), ("path", "__overflow__")]
        ),
        Some(7.0)
    );
}
