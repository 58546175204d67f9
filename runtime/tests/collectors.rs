//! Custom collectors: typed family builders for every type, both formats whole, and
//! collectors that fail (an error or a panic) without breaking the scrape.

mod common;
#[path = "om_validator.rs"]
mod om_validator;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::metrics::{Exemplar, ExemplarLabels};
use promenade::registry::families::{
    CounterExtras, CounterFamily, GaugeFamily, GaugeHistogramFamily, HistogramExtras,
    HistogramFamily, InfoFamily, Labels, StateSetFamily, SummaryExtras, SummaryFamily,
    UnknownFamily,
};
use promenade::registry::{CollectError, Collector, Descriptor, Sink};
use promenade::{Counter, Error, LabelSet, LabelValue, MetricType, Registry};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Disk {
    Sda,
    Sdb,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct DiskLabels {
    disk: Disk,
}

/// Builds one family of every type, as the Python client's `*MetricFamily` classes do.
struct Everything;

impl Everything {
    fn build(&self, sink: &mut dyn Sink) -> Result<(), Error> {
        let mut reads = CounterFamily::<DiskLabels>::new("disk_reads_total", "Reads.")?;
        let trace = ExemplarLabels::new([("trace_id", "t1")])?;
        reads.add(DiskLabels { disk: Disk::Sda }, 10u64)?;
        reads.add_with(
            DiskLabels { disk: Disk::Sdb },
            2.5,
            CounterExtras {
                created: Some(1_700_000_000.0),
                exemplar: Some(Exemplar::new(&trace, 0.5, Some(1_700_000_100.25))?),
                timestamp: None,
            },
        )?;
        reads.collect_into(sink);

        let mut temp =
            GaugeFamily::new("temperature_celsius", "Temperature.")?.with_unit("celsius")?;
        temp.add_at(Labels::new([("room", "a\\b")])?, -3.5, 1_700_000_000.5)?;
        temp.collect_into(sink);

        let mut unknown = UnknownFamily::new("legacy_value", "From elsewhere.")?;
        unknown.add(Labels::empty(), 7i64)?;
        unknown.collect_into(sink);

        let mut rpc = SummaryFamily::new("rpc_seconds", "RPC latency.")?;
        rpc.add(Labels::empty(), 3, 1.25)?;
        rpc.add_with(
            Labels::new([("service", "x")])?,
            10,
            4.0,
            SummaryExtras {
                quantiles: vec![(0.5, 0.3), (0.9, 0.8)],
                created: Some(1_600_000_000.0),
                timestamp: None,
            },
        )?;
        rpc.collect_into(sink);

        let mut sizes = HistogramFamily::new("object_size_bytes", "Object sizes.")?;
        sizes.add_with(
            Labels::empty(),
            &[(1024.0, 2), (1e6, 5), (f64::INFINITY, 6)],
            Some(2e6),
            HistogramExtras {
                exemplars: vec![None, Some(Exemplar::new(&trace, 5000.0, None)?)],
                created: None,
                timestamp: None,
            },
        )?;
        sizes.add(
            Labels::new([("bucket", "cold")])?,
            &[(f64::INFINITY, 0)],
            None,
        )?;
        sizes.collect_into(sink);

        let mut backlog = GaugeHistogramFamily::new("backlog_age_seconds", "Backlog.")?;
        backlog.add(
            Labels::empty(),
            &[(-1.0, 1), (60.0, 4), (f64::INFINITY, 5)],
            Some(-2.0),
        )?;
        backlog.collect_into(sink);

        let mut info = InfoFamily::new("os", "OS facts.")?;
        info.add(Labels::empty(), [("name", "linux"), ("release", "6.1")])?;
        info.collect_into(sink);

        let mut states = StateSetFamily::new("raid", "RAID state.")?;
        states.add(
            DiskLabels { disk: Disk::Sda },
            [("ok", true), ("degraded", false)],
        )?;
        states.collect_into(sink);
        Ok(())
    }
}

impl Collector for Everything {
    fn describe(&self) -> Vec<Descriptor> {
        [
            ("disk_reads", MetricType::Counter),
            ("temperature_celsius", MetricType::Gauge),
            ("legacy_value", MetricType::Unknown),
            ("rpc_seconds", MetricType::Summary),
            ("object_size_bytes", MetricType::Histogram),
            ("backlog_age_seconds", MetricType::GaugeHistogram),
            ("os", MetricType::Info),
            ("raid", MetricType::StateSet),
        ]
        .into_iter()
        .map(|(name, ty)| Descriptor::new(name, "", ty, "Everything"))
        .collect()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        let _ = self.try_collect(sink);
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        Ok(self.build(sink)?)
    }
}

#[test]
fn every_builder_in_both_formats() {
    let r = Registry::new();
    r.register(Everything).unwrap();
    let text = {
        let mut out = String::new();
        text::encode(&r, &mut out);
        out
    };
    assert_eq!(
        text,
        "# HELP disk_reads_total Reads.\n\
         # TYPE disk_reads_total counter\n\
         disk_reads_total{disk=\"sda\"} 10\n\
         disk_reads_total{disk=\"sdb\"} 2.5\n\
         # HELP temperature_celsius Temperature.\n\
         # TYPE temperature_celsius gauge\n\
         temperature_celsius{room=\"a\\\\b\"} -3.5 1700000000500\n\
         # HELP legacy_value From elsewhere.\n\
         # TYPE legacy_value untyped\n\
         legacy_value 7\n\
         # HELP rpc_seconds RPC latency.\n\
         # TYPE rpc_seconds summary\n\
         rpc_seconds_sum 1.25\n\
         rpc_seconds_count 3\n\
         rpc_seconds{service=\"x\",quantile=\"0.5\"} 0.3\n\
         rpc_seconds{service=\"x\",quantile=\"0.9\"} 0.8\n\
         rpc_seconds_sum{service=\"x\"} 4.0\n\
         rpc_seconds_count{service=\"x\"} 10\n\
         # HELP object_size_bytes Object sizes.\n\
         # TYPE object_size_bytes histogram\n\
         object_size_bytes_bucket{le=\"1024.0\"} 2\n\
         object_size_bytes_bucket{le=\"1e+06\"} 5\n\
         object_size_bytes_bucket{le=\"+Inf\"} 6\n\
         object_size_bytes_sum 2000000.0\n\
         object_size_bytes_count 6\n\
         object_size_bytes_bucket{bucket=\"cold\",le=\"+Inf\"} 0\n\
         # HELP backlog_age_seconds Backlog.\n\
         # TYPE backlog_age_seconds histogram\n\
         backlog_age_seconds_bucket{le=\"-1.0\"} 1\n\
         backlog_age_seconds_bucket{le=\"60.0\"} 4\n\
         backlog_age_seconds_bucket{le=\"+Inf\"} 5\n\
         # HELP backlog_age_seconds_gcount Backlog.\n\
         # TYPE backlog_age_seconds_gcount gauge\n\
         backlog_age_seconds_gcount 5\n\
         # HELP backlog_age_seconds_gsum Backlog.\n\
         # TYPE backlog_age_seconds_gsum gauge\n\
         backlog_age_seconds_gsum -2.0\n\
         # HELP os_info OS facts.\n\
         # TYPE os_info gauge\n\
         os_info{name=\"linux\",release=\"6.1\"} 1\n\
         # HELP raid RAID state.\n\
         # TYPE raid gauge\n\
         raid{disk=\"sda\",raid=\"ok\"} 1\n\
         raid{disk=\"sda\",raid=\"degraded\"} 0\n"
    );
    common::parse_with_prometheus_parse(&text);

    let mut om = String::new();
    openmetrics::encode(&r, &mut om);
    om_validator::check(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    assert_eq!(
        om,
        "# TYPE disk_reads counter\n\
         # HELP disk_reads Reads.\n\
         disk_reads_total{disk=\"sda\"} 10\n\
         disk_reads_total{disk=\"sdb\"} 2.5 # {trace_id=\"t1\"} 0.5 1700000100.25\n\
         disk_reads_created{disk=\"sdb\"} 1700000000.0\n\
         # TYPE temperature_celsius gauge\n\
         # UNIT temperature_celsius celsius\n\
         # HELP temperature_celsius Temperature.\n\
         temperature_celsius{room=\"a\\\\b\"} -3.5 1700000000.5\n\
         # TYPE legacy_value unknown\n\
         # HELP legacy_value From elsewhere.\n\
         legacy_value 7\n\
         # TYPE rpc_seconds summary\n\
         # HELP rpc_seconds RPC latency.\n\
         rpc_seconds_sum 1.25\n\
         rpc_seconds_count 3\n\
         rpc_seconds{service=\"x\",quantile=\"0.5\"} 0.3\n\
         rpc_seconds{service=\"x\",quantile=\"0.9\"} 0.8\n\
         rpc_seconds_sum{service=\"x\"} 4.0\n\
         rpc_seconds_count{service=\"x\"} 10\n\
         rpc_seconds_created{service=\"x\"} 1600000000.0\n\
         # TYPE object_size_bytes histogram\n\
         # HELP object_size_bytes Object sizes.\n\
         object_size_bytes_bucket{le=\"1024.0\"} 2\n\
         object_size_bytes_bucket{le=\"1e+06\"} 5 # {trace_id=\"t1\"} 5000.0\n\
         object_size_bytes_bucket{le=\"+Inf\"} 6\n\
         object_size_bytes_sum 2000000.0\n\
         object_size_bytes_count 6\n\
         object_size_bytes_bucket{bucket=\"cold\",le=\"+Inf\"} 0\n\
         # TYPE backlog_age_seconds gaugehistogram\n\
         # HELP backlog_age_seconds Backlog.\n\
         backlog_age_seconds_bucket{le=\"-1.0\"} 1\n\
         backlog_age_seconds_bucket{le=\"60.0\"} 4\n\
         backlog_age_seconds_bucket{le=\"+Inf\"} 5\n\
         backlog_age_seconds_gcount 5\n\
         backlog_age_seconds_gsum -2.0\n\
         # TYPE os info\n\
         # HELP os OS facts.\n\
         os_info{name=\"linux\",release=\"6.1\"} 1\n\
         # TYPE raid stateset\n\
         # HELP raid RAID state.\n\
         raid{disk=\"sda\",raid=\"ok\"} 1\n\
         raid{disk=\"sda\",raid=\"degraded\"} 0\n\
         # EOF\n"
    );
}

#[test]
fn builders_refuse_bad_input_with_errors_that_say_why() {
    let msg = |e: Error| e.to_string();
    assert!(CounterFamily::<Labels>::new("__bad", "x").is_err());
    assert!(CounterFamily::<Labels>::new("", "x").is_err());
    // A UTF-8 name is a name (written as each scrape's `escaping` asks).
    assert!(CounterFamily::<Labels>::new("http.server.requests", "x").is_ok());
    assert!(Labels::new([("url.scheme", "https")]).is_ok());
    assert!(Labels::new([("__x", "1")]).is_err());
    let mut c = CounterFamily::new("c", "x").unwrap();
    assert_eq!(
        msg(c.add(Labels::empty(), -1.0).unwrap_err()),
        "invalid value: a counter cannot be negative or NaN, got -1"
    );
    assert!(Labels::new([("a", "1"), ("a", "2")]).is_err());
    assert!(Labels::new([("__x", "1")]).is_err());
    let mut h = HistogramFamily::new("h", "x").unwrap();
    assert_eq!(
        msg(h.add(Labels::empty(), &[(1.0, 1)], None).unwrap_err()),
        "invalid histogram buckets: the last bucket must be +Inf, got 1"
    );
    assert!(h
        .add(Labels::empty(), &[(1.0, 3), (f64::INFINITY, 2)], None)
        .is_err());
    assert!(h
        .add(
            Labels::empty(),
            &[(2.0, 1), (1.0, 1), (f64::INFINITY, 2)],
            None
        )
        .is_err());
    assert!(h
        .add(Labels::empty(), &[(-1.0, 1), (f64::INFINITY, 2)], Some(1.0))
        .is_err());
    assert!(h
        .add(
            Labels::new([("le", "1")]).unwrap(),
            &[(f64::INFINITY, 2)],
            None
        )
        .is_err());
    let trace = ExemplarLabels::new([("t", "1")]).unwrap();
    let outside = HistogramExtras {
        exemplars: vec![Some(Exemplar::new(&trace, 5.0, None).unwrap())],
        ..Default::default()
    };
    assert!(h
        .add_with(
            Labels::empty(),
            &[(1.0, 1), (f64::INFINITY, 2)],
            None,
            outside
        )
        .is_err());
    let mut s = SummaryFamily::new("s", "x").unwrap();
    let bad_q = SummaryExtras {
        quantiles: vec![(1.5, 1.0)],
        ..Default::default()
    };
    assert!(s.add_with(Labels::empty(), 1, 1.0, bad_q).is_err());
    let mut g = GaugeFamily::new("g", "x").unwrap();
    assert!(g.add_at(Labels::empty(), 1.0, f64::NAN).is_err());
    assert!(StateSetFamily::<Labels>::new("__a", "x").is_err());
    let mut st = StateSetFamily::new("st", "x").unwrap();
    assert!(st
        .add(Labels::empty(), [("a", true), ("a", false)])
        .is_err());
    let mut i = InfoFamily::new("i", "x").unwrap();
    assert!(i
        .add(Labels::new([("v", "1")]).unwrap(), [("v", "2")])
        .is_err());
    assert!(GaugeFamily::<Labels>::new("g", "x")
        .unwrap()
        .with_unit("bytes")
        .is_err());
    assert!(Exemplar::new(&trace, f64::NAN, None).is_err());
}

/// Fails on demand: by returning an error after sending half a family, or by panicking.
struct Flaky {
    fail: Arc<AtomicBool>,
    panic: bool,
}

impl Collector for Flaky {
    fn describe(&self) -> Vec<Descriptor> {
        let name = if self.panic {
            "flaky_panics"
        } else {
            "flaky_errors"
        };
        vec![Descriptor::new(name, "Flaky.", MetricType::Gauge, "Flaky")]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        let _ = self.try_collect(sink);
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let name = if self.panic {
            "flaky_panics"
        } else {
            "flaky_errors"
        };
        let mut g = GaugeFamily::new(name, "Flaky.")?;
        g.add(Labels::empty(), 1.0)?;
        g.collect_into(sink);
        if self.fail.load(Ordering::Relaxed) {
            if self.panic {
                panic!("the collector's source is gone");
            }
            return Err("the source answered 500".into());
        }
        Ok(())
    }
    fn collector_name(&self) -> std::borrow::Cow<'static, str> {
        if self.panic {
            "flaky_panics"
        } else {
            "flaky_errors"
        }
        .into()
    }
}

#[test]
fn a_failing_collector_is_rolled_back_counted_and_the_rest_served() {
    let r = Registry::new();
    let ok = Arc::new(Counter::new());
    r.register_metric("before", "Before.", ok.clone()).unwrap();
    let fail = Arc::new(AtomicBool::new(false));
    r.register(Flaky {
        fail: fail.clone(),
        panic: false,
    })
    .unwrap();
    r.register(Flaky {
        fail: fail.clone(),
        panic: true,
    })
    .unwrap();
    r.register_metric("after", "After.", Arc::new(Counter::new()))
        .unwrap();

    let encode = |om: bool| {
        let mut out = String::new();
        if om {
            openmetrics::encode(&r, &mut out);
        } else {
            text::encode(&r, &mut out);
        }
        out
    };
    assert!(encode(false).contains("flaky_panics 1.0\n"));

    fail.store(true, Ordering::Relaxed);
    let text = encode(false);
    assert_eq!(
        text,
        "# HELP before_total Before.\n# TYPE before_total counter\nbefore_total 0\n\
         # HELP after_total After.\n# TYPE after_total counter\nafter_total 0\n\
         # HELP promenade_collector_failures_total Scrapes at which a collector panicked or returned an error (its families were left out).\n\
         # TYPE promenade_collector_failures_total counter\n\
         promenade_collector_failures_total{collector=\"flaky_errors\"} 1\n\
         promenade_collector_failures_total{collector=\"flaky_panics\"} 1\n"
    );
    common::parse_strict(&text).unwrap();
    let om = encode(true);
    om_validator::check(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    assert!(
        om.contains("promenade_collector_failures_total{collector=\"flaky_panics\"} 2\n"),
        "{om}"
    );
    assert_eq!(
        r.get_sample_value(
            "promenade_collector_failures_total",
            &[("collector", "flaky_errors")]
        ),
        Some(3.0)
    );

    // Recovered: served again, the failure count stays.
    fail.store(false, Ordering::Relaxed);
    assert_eq!(r.get_sample_value("flaky_errors", &[]), Some(1.0));
    assert_eq!(
        r.get_sample_value(
            "promenade_collector_failures_total",
            &[("collector", "flaky_errors")]
        ),
        Some(3.0)
    );
}

#[test]
fn the_failure_self_metric_name_is_reserved() {
    let r = Registry::new();
    let e = r
        .register_metric(
            "promenade_collector_failures_total",
            "x",
            Arc::new(Counter::new()),
        )
        .unwrap_err();
    assert!(e.to_string().contains("duplicate metric"), "{e}");
}

#[test]
fn describe_detects_duplicates_without_collecting() {
    let r = Registry::new();
    r.register(Everything).unwrap();
    let e = r
        .register_metric("os_info", "Clash.", Arc::new(promenade::Gauge::new()))
        .unwrap_err();
    assert!(e.to_string().contains("`os_info`"), "{e}");
    let e = r
        .register_metric(
            "backlog_age_seconds_gsum",
            "Clash.",
            Arc::new(promenade::Gauge::new()),
        )
        .unwrap_err();
    assert!(e.to_string().contains("`backlog_age_seconds_gsum`"), "{e}");
}

/// A collector that only implements `collect`: the default `describe` collects it once,
/// at registration, so a clash is refused there (as the Python client's `register`
/// raises), not only at the first scrape.
struct QueueStats {
    collected: std::sync::atomic::AtomicUsize,
}

impl Collector for QueueStats {
    fn collect(&self, sink: &mut dyn Sink) {
        self.collected.fetch_add(1, Ordering::Relaxed);
        let mut depth = GaugeFamily::new("queue_depth", "Items queued.").unwrap();
        depth.add(Labels::empty(), 3.0).unwrap();
        depth.collect_into(sink);
        let mut done = CounterFamily::new("queue_jobs_total", "Jobs done.").unwrap();
        done.add(Labels::empty(), 7u64).unwrap();
        done.collect_into(sink);
    }
}

fn queue_stats() -> Arc<QueueStats> {
    Arc::new(QueueStats {
        collected: std::sync::atomic::AtomicUsize::new(0),
    })
}

#[test]
fn a_collector_without_describe_is_described_by_collecting_once_at_registration() {
    let stats = queue_stats();
    assert_eq!(
        stats
            .describe()
            .iter()
            .map(|d| (d.name.as_ref(), d.metric_type))
            .collect::<Vec<_>>(),
        [
            ("queue_depth", MetricType::Gauge),
            ("queue_jobs", MetricType::Counter)
        ]
    );

    // Its family clashes with a registered one: refused at `register`.
    let r = Registry::new();
    r.register_metric("queue_jobs_total", "Taken.", Arc::new(Counter::new()))
        .unwrap();
    let stats = queue_stats();
    let e = r.register(stats.clone()).unwrap_err();
    assert!(
        e.to_string()
            .contains("duplicate metric: `queue_jobs_total`"),
        "{e}"
    );
    assert_eq!(stats.collected.load(Ordering::Relaxed), 1, "collected once");

    // Registered twice: the second is refused too.
    let r = Registry::new();
    r.register(queue_stats()).unwrap();
    let e = r.register(queue_stats()).unwrap_err();
    assert!(e.to_string().contains("duplicate metric"), "{e}");
    // And the first is served as usual.
    assert_eq!(r.get_sample_value("queue_depth", &[]), Some(3.0));
    assert_eq!(r.get_sample_value("queue_jobs_total", &[]), Some(7.0));
}

/// An explicit `describe` is used as it is: no collection at registration.
#[test]
fn an_explicit_describe_is_not_replaced_by_collecting() {
    struct Described(std::sync::atomic::AtomicUsize);
    impl Collector for Described {
        fn describe(&self) -> Vec<Descriptor> {
            vec![Descriptor::new("d", "D.", MetricType::Gauge, "Described")]
        }
        fn collect(&self, sink: &mut dyn Sink) {
            self.0.fetch_add(1, Ordering::Relaxed);
            sink.family(&Descriptor::new("d", "D.", MetricType::Gauge, "Described"));
        }
    }
    let r = Registry::new();
    let d = Arc::new(Described(std::sync::atomic::AtomicUsize::new(0)));
    r.register(d.clone()).unwrap();
    assert_eq!(d.0.load(Ordering::Relaxed), 0);
}
