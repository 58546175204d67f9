//! Every metric type, live and from a custom collector, encoded whole in both formats:
//! text 0.0.4 (read back by the strict reader of `tests/common` and by `prometheus-parse`)
//! and OpenMetrics 1.0 (read back by the strict checker of `om_validator.rs`).

mod common;
#[path = "om_validator.rs"]
mod om_validator;

use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::metrics::{ExemplarLabels, Quantiles};
use promenade::registry::Named;
use promenade::{
    Buckets, Counter, CounterWithExemplar, Enum, Family, GaugeHistogram, Histogram, Info, LabelSet,
    LabelValue, Registry, StateSet, Summary,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Running,
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
struct Req {
    method: Method,
}

fn text_of(r: &Registry) -> String {
    let mut out = String::new();
    text::encode(r, &mut out);
    out
}

fn om_of(r: &Registry) -> String {
    let mut out = String::new();
    openmetrics::encode(r, &mut out);
    out
}

/// Replaces the values of `_created` samples and exemplar timestamps (wall-clock times)
/// with `T`, after checking they are plausible (within a day of now).
fn mask_times(om: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let plausible = |v: &str| {
        let t: f64 = v.parse().unwrap();
        assert!((now - t).abs() < 86_400.0, "{t} is not a recent time");
    };
    om.lines()
        .map(|line| {
            let (main, exemplar) = match line.split_once(" # {") {
                Some((m, e)) => (m.to_owned(), Some(e.to_owned())),
                None => (line.to_owned(), None),
            };
            let mut main = main;
            let name = main.split(['{', ' ']).next().unwrap_or("");
            if name.ends_with("_created") && !line.starts_with('#') {
                let (head, value) = main.rsplit_once(' ').unwrap();
                plausible(value);
                main = format!("{head} T");
            }
            match exemplar {
                None => main,
                Some(e) => {
                    let (head, ts) = e.rsplit_once(' ').unwrap();
                    plausible(ts);
                    format!("{main} # {{{head} T")
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn live_types_in_both_formats() {
    let r = Registry::new();

    let jobs = Arc::new(CounterWithExemplar::new());
    r.register(Named::new("jobs_processed_total", "Jobs processed.", jobs.clone()).unwrap())
        .unwrap();
    let trace = ExemplarLabels::new([("trace_id", "abc")]).unwrap();
    jobs.inc_by(2);
    jobs.inc_with_exemplar(3, &trace);

    let latency = Arc::new(Histogram::new(Buckets::new([0.5, 1e6]).unwrap()));
    r.register(
        Named::new("latency_seconds", "Latency.", latency.clone())
            .unwrap()
            .with_unit("seconds")
            .unwrap(),
    )
    .unwrap();
    latency.observe(0.25);
    latency.observe_with_exemplar(7.0, &trace);

    let sizes = Arc::new(Summary::with_quantiles(
        Quantiles::new([0.5, 0.99]).unwrap(),
    ));
    r.register_metric("request_size_bytes", "Request sizes.", sizes.clone())
        .unwrap();
    for v in [100.0, 200.0, 300.0] {
        sizes.observe(v);
    }

    let build = Arc::new(Info::new());
    build
        .set([("version", "1.2.3"), ("commit", "a\"b")])
        .unwrap();
    r.register_metric("build", "Build facts.", build.clone())
        .unwrap();

    let phase: Arc<Enum<Phase>> = Arc::new(Enum::new());
    phase.set(Phase::Running);
    r.register_metric("phase", "Lifecycle phase.", phase.clone())
        .unwrap();

    let features: Arc<StateSet<Feature>> = Arc::new(StateSet::new());
    features.set(Feature::Upload, true);
    r.register_metric("features", "Enabled features.", features.clone())
        .unwrap();

    let queue = Arc::new(GaugeHistogram::new(Buckets::new([10.0]).unwrap()));
    queue.add(3.0);
    queue.add(30.0);
    r.register_metric(
        "queue_item_age_seconds",
        "Age of queued items.",
        queue.clone(),
    )
    .unwrap();

    let by_method: Arc<Family<Req, Summary>> = Arc::new(Family::new());
    by_method
        .labels(Req {
            method: Method::Post,
        })
        .observe(1.5);
    r.register_metric("payload", "Payloads.", by_method.clone())
        .unwrap();

    let text = text_of(&r);
    assert_eq!(
        text,
        "# HELP jobs_processed_total Jobs processed.\n\
         # TYPE jobs_processed_total counter\n\
         jobs_processed_total 5\n\
         # HELP latency_seconds Latency.\n\
         # TYPE latency_seconds histogram\n\
         latency_seconds_bucket{le=\"0.5\"} 1\n\
         latency_seconds_bucket{le=\"1e+06\"} 2\n\
         latency_seconds_bucket{le=\"+Inf\"} 2\n\
         latency_seconds_sum 7.25\n\
         latency_seconds_count 2\n\
         # HELP request_size_bytes Request sizes.\n\
         # TYPE request_size_bytes summary\n\
         request_size_bytes{quantile=\"0.5\"} 200.0\n\
         request_size_bytes{quantile=\"0.99\"} 300.0\n\
         request_size_bytes_sum 600.0\n\
         request_size_bytes_count 3\n\
         # HELP build_info Build facts.\n\
         # TYPE build_info gauge\n\
         build_info{version=\"1.2.3\",commit=\"a\\\"b\"} 1\n\
         # HELP phase Lifecycle phase.\n\
         # TYPE phase gauge\n\
         phase{phase=\"starting\"} 0\n\
         phase{phase=\"running\"} 1\n\
         # HELP features Enabled features.\n\
         # TYPE features gauge\n\
         features{features=\"search\"} 0\n\
         features{features=\"upload\"} 1\n\
         # HELP queue_item_age_seconds Age of queued items.\n\
         # TYPE queue_item_age_seconds histogram\n\
         queue_item_age_seconds_bucket{le=\"10.0\"} 1\n\
         queue_item_age_seconds_bucket{le=\"+Inf\"} 2\n\
         # HELP queue_item_age_seconds_gcount Age of queued items.\n\
         # TYPE queue_item_age_seconds_gcount gauge\n\
         queue_item_age_seconds_gcount 2\n\
         # HELP queue_item_age_seconds_gsum Age of queued items.\n\
         # TYPE queue_item_age_seconds_gsum gauge\n\
         queue_item_age_seconds_gsum 33.0\n\
         # HELP payload Payloads.\n\
         # TYPE payload summary\n\
         payload_sum{method=\"get\"} 0.0\n\
         payload_count{method=\"get\"} 0\n\
         payload_sum{method=\"post\"} 1.5\n\
         payload_count{method=\"post\"} 1\n"
    );
    common::parse_with_prometheus_parse(&text);

    let om = om_of(&r);
    om_validator::check(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    assert_eq!(
        mask_times(&om),
        "# TYPE jobs_processed counter\n\
         # HELP jobs_processed Jobs processed.\n\
         jobs_processed_total 5 # {trace_id=\"abc\"} 3.0 T\n\
         jobs_processed_created T\n\
         # TYPE latency_seconds histogram\n\
         # UNIT latency_seconds seconds\n\
         # HELP latency_seconds Latency.\n\
         latency_seconds_bucket{le=\"0.5\"} 1\n\
         latency_seconds_bucket{le=\"1e+06\"} 2 # {trace_id=\"abc\"} 7.0 T\n\
         latency_seconds_bucket{le=\"+Inf\"} 2\n\
         latency_seconds_sum 7.25\n\
         latency_seconds_count 2\n\
         latency_seconds_created T\n\
         # TYPE request_size_bytes summary\n\
         # HELP request_size_bytes Request sizes.\n\
         request_size_bytes{quantile=\"0.5\"} 200.0\n\
         request_size_bytes{quantile=\"0.99\"} 300.0\n\
         request_size_bytes_sum 600.0\n\
         request_size_bytes_count 3\n\
         request_size_bytes_created T\n\
         # TYPE build info\n\
         # HELP build Build facts.\n\
         build_info{version=\"1.2.3\",commit=\"a\\\"b\"} 1\n\
         # TYPE phase stateset\n\
         # HELP phase Lifecycle phase.\n\
         phase{phase=\"starting\"} 0\n\
         phase{phase=\"running\"} 1\n\
         # TYPE features stateset\n\
         # HELP features Enabled features.\n\
         features{features=\"search\"} 0\n\
         features{features=\"upload\"} 1\n\
         # TYPE queue_item_age_seconds gaugehistogram\n\
         # HELP queue_item_age_seconds Age of queued items.\n\
         queue_item_age_seconds_bucket{le=\"10.0\"} 1\n\
         queue_item_age_seconds_bucket{le=\"+Inf\"} 2\n\
         queue_item_age_seconds_gcount 2\n\
         queue_item_age_seconds_gsum 33.0\n\
         # TYPE payload summary\n\
         # HELP payload Payloads.\n\
         payload_sum{method=\"get\"} 0.0\n\
         payload_count{method=\"get\"} 0\n\
         payload_created{method=\"get\"} T\n\
         payload_sum{method=\"post\"} 1.5\n\
         payload_count{method=\"post\"} 1\n\
         payload_created{method=\"post\"} T\n\
         # EOF\n"
    );
}

#[test]
fn existing_types_keep_their_text_and_gain_openmetrics() {
    let r = Registry::new();
    let c = Arc::new(Counter::new());
    r.register_metric("requests_total", "Requests.", c.clone())
        .unwrap();
    c.inc_by(4);
    let h = Arc::new(Histogram::new(Buckets::new([-1.0, 1.0]).unwrap()));
    r.register_metric("delta", "Deltas.", h.clone()).unwrap();
    h.observe(-2.0);
    h.observe(0.5);
    assert_eq!(
        text_of(&r),
        "# HELP requests_total Requests.\n# TYPE requests_total counter\nrequests_total 4\n\
         # HELP delta Deltas.\n# TYPE delta histogram\n\
         delta_bucket{le=\"-1.0\"} 1\ndelta_bucket{le=\"1.0\"} 2\ndelta_bucket{le=\"+Inf\"} 2\n\
         delta_sum -1.5\ndelta_count 2\n"
    );
    common::parse_strict(&text_of(&r)).unwrap();
    let om = om_of(&r);
    om_validator::check(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    // A plain `Counter` is created when registered; a histogram with a negative bound has
    // neither `_sum` nor `_count` in OpenMetrics.
    assert_eq!(
        mask_times(&om),
        "# TYPE requests counter\n# HELP requests Requests.\nrequests_total 4\nrequests_created T\n\
         # TYPE delta histogram\n# HELP delta Deltas.\n\
         delta_bucket{le=\"-1.0\"} 1\ndelta_bucket{le=\"1.0\"} 2\ndelta_bucket{le=\"+Inf\"} 2\n\
         delta_created T\n# EOF\n"
    );
}

#[test]
fn reset_gives_a_new_created_time_and_forgets_the_exemplar() {
    let c = CounterWithExemplar::new();
    let before = c.created();
    c.inc_with_exemplar(1, &ExemplarLabels::new([("a", "b")]).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(5));
    c.reset();
    assert_eq!(c.get(), 0);
    assert!(c.exemplar().is_none());
    assert!(c.created() > before);
}

#[test]
fn reserved_labels_and_units_are_refused_at_registration() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Q {
        quantile: Method,
    }
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct P {
        phase: Method,
    }
    let r = Registry::new();
    let e = r
        .register_metric("s", "S.", Arc::new(Family::<Q, Summary>::new()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid label name \"quantile\": `quantile` is reserved for a summary's quantiles; rename that label"
    );
    let e = r
        .register_metric("phase", "P.", Arc::new(Family::<P, Enum<Phase>>::new()))
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid label name \"phase\": a state set writes"),
        "{e}"
    );
    // A state set's name is also a label name: `a:b` is a UTF-8 label name, written
    // `a_b` as a label by the default escaping.
    r.register_metric("a:b", "P.", Arc::new(Enum::<Phase>::new()))
        .unwrap();
    assert!(r.get_sample_value("a:b", &[("a:b", "starting")]).is_some());
    let e = Named::new("build", "B.", Arc::new(Info::new()))
        .unwrap()
        .with_unit("info")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid metric name \"build\": an info metric takes no unit"
    );
    let e = Named::new("jobs_total", "J.", Arc::new(Counter::new()))
        .unwrap()
        .with_unit("total")
        .unwrap_err();
    assert!(e.to_string().contains("ending in `_total`"), "{e}");
    // A counter's unit goes before `_total`.
    Named::new("read_bytes_total", "J.", Arc::new(Counter::new()))
        .unwrap()
        .with_unit("bytes")
        .unwrap();
}

#[test]
fn info_name_loses_its_suffix_once_and_clashes_are_found() {
    let r = Registry::new();
    r.register_metric("target_info", "T.", Arc::new(Info::new()))
        .unwrap();
    let e = r
        .register_metric("target_info", "Again.", Arc::new(promenade::Gauge::new()))
        .unwrap_err();
    assert!(e.to_string().contains("`target_info`"), "{e}");
    assert_eq!(r.get_sample_value("target_info", &[]), Some(1.0));
}

#[test]
fn nothing_is_lost_under_concurrency_and_every_exposition_stays_valid() {
    let r = Arc::new(Registry::new());
    let c = Arc::new(CounterWithExemplar::new());
    let h = Arc::new(Histogram::new(Buckets::new([1.0, 10.0]).unwrap()));
    let s = Arc::new(Summary::with_quantiles(Quantiles::new([0.5]).unwrap()));
    r.register_metric("ops", "Ops.", c.clone()).unwrap();
    r.register_metric("val", "Val.", h.clone()).unwrap();
    r.register_metric("obs", "Obs.", s.clone()).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scraper = {
        let (r, stop) = (r.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 20 {
                om_validator::check(&om_of(&r)).unwrap();
                n += 1;
            }
        })
    };
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let (c, h, s) = (c.clone(), h.clone(), s.clone());
            std::thread::spawn(move || {
                let labels = ExemplarLabels::new([("thread", &*t.to_string())]).unwrap();
                for i in 0..5_000u32 {
                    c.inc_with_exemplar(1, &labels);
                    h.observe_with_exemplar(f64::from(i % 20), &labels);
                    s.observe(f64::from(i));
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    scraper.join().unwrap();
    assert_eq!(c.get(), 40_000);
    assert_eq!(h.snapshot().count(), 40_000);
    assert_eq!(
        h.snapshot().cumulative_counts(),
        &[8 * 5_000 / 20 * 2, 8 * 5_000 / 20 * 11, 40_000]
    );
    assert_eq!(s.count(), 40_000);
    assert_eq!(s.sum(), 8.0 * (4_999.0 * 5_000.0 / 2.0));
    assert!(h.exemplars().iter().all(Option::is_some));
}

/// A state set writes its states as a label named after it, so a family of state sets
/// whose label set has a label of that name would repeat the label on every series
/// (`lights{lights="false",lights="red"}`): refused when registered by hand, as the
/// derive refuses it at compile time.
#[test]
fn a_state_set_family_with_a_label_named_after_it_is_refused() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Lit {
        features: bool,
    }
    let r = Registry::new();
    let family: Arc<Family<Lit, StateSet<Feature>>> = Arc::new(Family::new());
    let e = r
        .register_metric("features", "Enabled features.", family.clone())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid label name \"features\": a state set writes its states as a label named after the metric, so each series would carry that label twice; rename that label"
    );
    let e = r
        .register_metric(
            "features",
            "Phases.",
            Arc::new(Family::<Lit, Enum<Phase>>::new()),
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid label name \"features\": a state set writes its states as a label named after the metric, so each series would carry that label twice; rename that label"
    );
    assert_eq!(text_of(&r), "");

    // Under another name, the same family is exposed with each label once.
    r.register_metric("enabled", "Enabled features.", family.clone())
        .unwrap();
    family
        .labels(Lit { features: true })
        .set(Feature::Upload, true);
    assert_eq!(
        om_of(&r),
        "# TYPE enabled stateset\n\
         # HELP enabled Enabled features.\n\
         enabled{features=\"false\",enabled=\"search\"} 0\n\
         enabled{features=\"false\",enabled=\"upload\"} 0\n\
         enabled{features=\"true\",enabled=\"search\"} 0\n\
         enabled{features=\"true\",enabled=\"upload\"} 1\n\
         # EOF\n"
    );
}

/// What no compile-time check sees — a parent struct's constant label named like a state
/// set nested in it — is caught at the scrape: the collector is left out and counted,
/// never a series with a label written twice.
#[test]
fn a_state_set_series_repeating_its_own_name_as_a_label_is_left_out() {
    #[derive(promenade::Metrics)]
    struct Lights {
        /// Enabled features.
        features: StateSet<Feature>,
    }
    #[derive(promenade::Metrics)]
    #[metrics(const_labels(features = "all"))]
    struct Panel {
        #[metric(nested)]
        lights: Lights,
    }
    let r = Registry::new();
    r.register(Panel::new()).unwrap();
    let out = text_of(&r);
    assert!(!out.contains("features{"), "{out}");
    assert!(
        out.contains("promenade_collector_failures_total{collector=\""),
        "{out}"
    );
}
