//! The timers by hand: `start_timer`, `time` and `time_future` on a histogram, a summary
//! and a gauge (which is *set* to the duration, as the Python client's `Gauge.time()`),
//! the one-line form on a family's series (`FAMILY.labels(l).start_timer()`, which holds
//! the series), and the names older code uses (`HistogramTimer`).

mod support;

use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use promenade::metrics::RecordDuration;
use promenade::{
    Buckets, Family, Gauge, Histogram, HistogramTimer, IntGauge, LabelSet, LabelValue, Metrics,
    Summary, Timer,
};
use support::{block_on, noop_waker, poll_once, YieldOnce};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue)]
enum Route {
    Home,
    Login,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelSet)]
struct ByRoute {
    route: Route,
}

/// An open label set: its series are `Series::Shared` handles (an `Arc`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, LabelSet)]
struct ByPeer {
    #[label(limit = 16)]
    peer: String,
}

const HOME: ByRoute = ByRoute { route: Route::Home };
const LOGIN: ByRoute = ByRoute {
    route: Route::Login,
};

fn sleep_a_little() {
    std::thread::sleep(Duration::from_millis(20));
}

// ---- a summary and a gauge time like a histogram ----

#[test]
fn a_summary_times_a_block_a_closure_and_a_future() {
    let s = Summary::new();
    {
        let _timer = s.start_timer();
        sleep_a_little();
    }
    assert_eq!(s.count(), 1);
    assert!(s.sum() >= 0.02, "{}", s.sum());
    assert_eq!(s.time(|| 7), 7);
    assert_eq!(s.count(), 2);
    assert_eq!(block_on(s.time_future(async { 8 })), 8);
    assert_eq!(s.count(), 3);
    assert!(std::panic::catch_unwind(|| s.time(|| panic!("boom"))).is_err());
    assert_eq!(s.count(), 4, "a panic is timed too");
}

#[test]
fn a_gauge_is_set_to_the_duration_not_added_to() {
    let g = Gauge::new();
    g.set(100.0);
    {
        let _timer = g.start_timer();
        sleep_a_little();
    }
    let first = g.get();
    assert!((0.02..5.0).contains(&first), "set to the duration: {first}");
    assert_eq!(g.time(|| "done"), "done");
    let second = g.get();
    assert!(second < first, "replaced, not added: {second} then {first}");
    let secs = g.start_timer().observe_duration();
    assert_eq!(g.get(), secs, "observe_duration returns what it set");
    g.set(-1.0);
    g.start_timer().discard();
    assert_eq!(g.get(), -1.0, "a discarded timer sets nothing");
    assert_eq!(block_on(g.time_future(async { 1 })), 1);
    assert!(g.get() >= 0.0);
}

#[test]
fn a_cancelled_future_is_timed_into_a_summary() {
    let s = Summary::new();
    let mut fut = Box::pin(s.time_future(YieldOnce(false)));
    assert_eq!(s.count(), 0, "not timed before the first poll");
    assert!(poll_once(fut.as_mut()));
    drop(fut);
    assert_eq!(s.count(), 1);
}

// ---- one line: `FAMILY.labels(l).start_timer()` holds the series ----

static LATENCY: LazyLock<Family<ByRoute, Histogram>> = LazyLock::new(Family::new);
static LATENCY_SUMMARY: LazyLock<Family<ByRoute, Summary>> = LazyLock::new(Family::new);
static LAST_RUN: LazyLock<Family<ByRoute, Gauge>> = LazyLock::new(Family::new);
static PEER_LATENCY: LazyLock<Family<ByPeer, Histogram>> = LazyLock::new(Family::new);
static IN_FLIGHT: LazyLock<Family<ByRoute, IntGauge>> = LazyLock::new(Family::new);
// Each test has its own families: tests run in parallel.
static SPAWNED: LazyLock<Family<ByRoute, Histogram>> = LazyLock::new(Family::new);
static SPAWNED_SUMMARY: LazyLock<Family<ByRoute, Summary>> = LazyLock::new(Family::new);
static SPAWNED_GAUGE: LazyLock<Family<ByRoute, Gauge>> = LazyLock::new(Family::new);
static GENERIC: LazyLock<Family<ByRoute, Summary>> = LazyLock::new(Family::new);

#[test]
fn a_static_familys_series_times_in_one_line() {
    {
        let _h = LATENCY.labels(HOME).start_timer();
        let _s = LATENCY_SUMMARY.labels(HOME).start_timer();
        let _g = LAST_RUN.labels(HOME).start_timer();
        sleep_a_little();
    }
    assert_eq!(LATENCY.labels(HOME).snapshot().count(), 1);
    assert_eq!(
        LATENCY.labels(LOGIN).snapshot().count(),
        0,
        "only its series"
    );
    assert_eq!(LATENCY_SUMMARY.labels(HOME).count(), 1);
    assert_eq!(LATENCY_SUMMARY.labels(LOGIN).count(), 0);
    assert!(LAST_RUN.labels(HOME).get() >= 0.02);
    assert_eq!(LAST_RUN.labels(LOGIN).get(), 0.0);
}

#[test]
fn an_open_familys_series_times_in_one_line() {
    let peer = |p: &str| ByPeer { peer: p.into() };
    {
        let _t = PEER_LATENCY.labels(peer("a")).start_timer();
    }
    PEER_LATENCY.labels(peer("b")).time(|| ());
    assert_eq!(PEER_LATENCY.labels(peer("a")).snapshot().count(), 1);
    assert_eq!(PEER_LATENCY.labels(peer("b")).snapshot().count(), 1);
}

#[test]
fn a_local_familys_series_times_in_one_line() {
    let family: Family<ByRoute, Summary> = Family::new();
    let timer: Timer<promenade::Series<'_, Summary>> = family.labels(LOGIN).start_timer();
    assert_eq!(family.labels(LOGIN).count(), 0, "not before the drop");
    drop(timer);
    assert_eq!(family.labels(LOGIN).count(), 1);
    assert_eq!(family.labels(HOME).count(), 0);
}

#[derive(Metrics)]
struct Api {
    /// Time to answer, by route.
    answer_seconds: Family<ByRoute, Histogram>,
}

#[test]
fn a_derived_globals_family_times_in_one_line() {
    {
        let _timer = Api::global().answer_seconds.labels(LOGIN).start_timer();
    }
    assert_eq!(
        Api::global()
            .answer_seconds
            .labels(LOGIN)
            .snapshot()
            .count(),
        1
    );
}

#[test]
fn a_series_future_owns_its_series_and_can_be_spawned() {
    fn spawnable<T: Send + 'static>(t: T) -> T {
        t
    }
    let fut = spawnable(SPAWNED_SUMMARY.labels(LOGIN).time_future(async { 3 }));
    assert_eq!(block_on(fut), 3);
    assert_eq!(SPAWNED_SUMMARY.labels(LOGIN).count(), 1);
    let fut = spawnable(SPAWNED_GAUGE.labels(LOGIN).time_future(async {}));
    block_on(fut);
    assert!(SPAWNED_GAUGE.labels(LOGIN).get() >= 0.0);
    // A timer that owns its series can cross threads.
    let timer = spawnable(SPAWNED.labels(LOGIN).start_timer());
    std::thread::spawn(move || drop(timer)).join().unwrap();
    assert_eq!(SPAWNED.labels(LOGIN).snapshot().count(), 1);
}

#[test]
fn a_series_tracks_in_progress_in_one_line() {
    {
        let _guard = IN_FLIGHT.labels(HOME).track_in_progress();
        assert_eq!(IN_FLIGHT.labels(HOME).get(), 1);
        assert_eq!(IN_FLIGHT.labels(LOGIN).get(), 0);
    }
    assert_eq!(IN_FLIGHT.labels(HOME).get(), 0);
    let gauges: Family<ByRoute, Gauge> = Family::new();
    let guard = gauges.labels(LOGIN).track_in_progress();
    assert_eq!(gauges.labels(LOGIN).get(), 1.0);
    drop(guard);
    assert_eq!(gauges.labels(LOGIN).get(), 0.0);
}

// ---- one timer type for every metric, and the older names ----

#[test]
fn one_timer_type_serves_every_holder() {
    let h = Arc::new(Histogram::new(Buckets::default()));
    // The names older code spells still compile.
    let by_ref: HistogramTimer<&Histogram> = h.start_timer();
    let by_arc: HistogramTimer<Arc<Histogram>> = HistogramTimer::new(h.clone());
    drop((by_ref, by_arc));
    assert_eq!(h.snapshot().count(), 2);

    // Generic code over whatever records a duration.
    fn time_twice<R: RecordDuration>(r: R) {
        r.record_duration(0.5);
        r.record_duration(0.25);
    }
    let s = Summary::new();
    time_twice(&s);
    assert_eq!((s.count(), s.sum()), (2, 0.75));
    let g = Gauge::new();
    time_twice(&g);
    assert_eq!(g.get(), 0.25, "a gauge keeps the last duration");
    time_twice(GENERIC.labels(HOME));
    assert_eq!(GENERIC.labels(HOME).count(), 2);
}

#[test]
fn a_timed_future_is_pending_until_its_inner_future_is_ready() {
    let h = Histogram::new(Buckets::default());
    let mut fut = Box::pin(h.time_future(YieldOnce(false)));
    let mut cx = std::task::Context::from_waker(noop_waker());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert_eq!(h.snapshot().count(), 0, "still running");
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    assert_eq!(h.snapshot().count(), 1);
}

// ---- a handle kept in a struct times through `&self`, and stays usable ----

static HELD: LazyLock<Family<ByPeer, Histogram>> = LazyLock::new(Family::new);
static HELD_ERRORS: LazyLock<Family<ByRoute, promenade::Counter>> = LazyLock::new(Family::new);
static HELD_IN_FLIGHT: LazyLock<Family<ByRoute, IntGauge>> = LazyLock::new(Family::new);

struct Handler {
    latency: promenade::Series<'static, Histogram>,
    errors: promenade::Series<'static, promenade::Counter>,
    in_flight: promenade::Series<'static, IntGauge>,
}

impl Handler {
    fn handle(&self) -> Result<(), ()> {
        let _timer = self.latency.start_timer();
        let _in_flight = self.in_flight.track_in_progress();
        let guard = self.errors.exception_guard();
        guard.success();
        Ok(())
    }
}

#[test]
fn a_held_series_handle_times_through_a_shared_reference() {
    let handler = Handler {
        latency: HELD.labels(ByPeer { peer: "a".into() }),
        errors: HELD_ERRORS.labels(HOME),
        in_flight: HELD_IN_FLIGHT.labels(HOME),
    };
    handler.handle().unwrap();
    handler.handle().unwrap();
    assert_eq!(handler.latency.snapshot().count(), 2, "still usable");
    assert_eq!(handler.errors.get(), 0);
    assert_eq!(handler.in_flight.get(), 0);
    let series = HELD.labels(ByPeer { peer: "b".into() });
    let timer = series.start_timer();
    series.observe(1.0); // the handle is not moved into the timer
    drop(timer);
    assert_eq!(series.snapshot().count(), 2);
}
