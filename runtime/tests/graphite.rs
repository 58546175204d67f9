//! The Graphite bridge against an in-process fake carbon line receiver on 127.0.0.1: the
//! exact lines, periodic pushes, reconnection after carbon goes away, clean shutdown, and
//! a pusher that goes on when its handle is dropped.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use promenade::graphite::GraphiteBridge;
use promenade::{Buckets, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Registry};

/// A fake carbon: each connection's bytes, read to end of file. Stopped when dropped.
struct Carbon {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Carbon {
    fn start() -> Carbon {
        Carbon::start_on("127.0.0.1:0".parse().unwrap())
    }

    fn start_on(addr: SocketAddr) -> Carbon {
        let listener = TcpListener::bind(addr).unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (received.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut conn) = conn else { continue };
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut text = String::new();
                if conn.read_to_string(&mut text).is_ok() {
                    r.lock().unwrap().push(text);
                }
            }
        });
        Carbon {
            addr,
            received,
            stop,
            thread: Some(thread),
        }
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.received().len() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.received()
    }
}

impl Drop for Carbon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    #[label(rename = "POST/x")]
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
    cached: bool,
}

/// An empty label value, which the bridge leaves out. Written by hand: the derive refuses
/// an empty value (Prometheus reads it as the label being absent).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Zone;

impl LabelValue for Zone {
    const CARDINALITY: Option<usize> = Some(1);
    fn index(&self) -> usize {
        0
    }
    fn from_index(index: usize) -> Option<Self> {
        (index == 0).then_some(Zone)
    }
    fn encode(&self, _: &mut promenade::labels::LabelValueWriter<'_>) {}
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    zone: Zone,
}

fn registry() -> Registry {
    let registry = Registry::new();
    let requests = Arc::new(Family::<Request, Counter>::new());
    registry
        .register_metric("http_requests", "Requests.", requests.clone())
        .unwrap();
    requests
        .labels(Request {
            method: Method::Post,
            cached: true,
        })
        .inc_by(7);
    let latency = Arc::new(Histogram::new(Buckets::new([0.5]).unwrap()));
    registry
        .register_metric("latency_seconds", "Latency.", latency.clone())
        .unwrap();
    latency.observe(0.25);
    latency.observe(2.0);
    let nan = Arc::new(Gauge::new());
    registry
        .register_metric("broken", "NaN.", nan.clone())
        .unwrap();
    nan.set(f64::NAN);
    let peers = Arc::new(Family::<Peer, Gauge>::new());
    registry
        .register_metric("peers", "Peers.", peers.clone())
        .unwrap();
    peers.labels(Peer { zone: Zone }).set(1.5);
    registry
}

#[test]
fn lines_in_path_and_tag_form() {
    let registry = registry();
    let bridge = GraphiteBridge::new("127.0.0.1:2003").prefix("host 1.app");
    assert_eq!(
        bridge.lines(&registry, 1_700_000_000),
        "host_1.app.http_requests_total.cached.false.method.get 0.0 1700000000\n\
         host_1.app.http_requests_total.cached.true.method.get 0.0 1700000000\n\
         host_1.app.http_requests_total.cached.false.method.POST_x 0.0 1700000000\n\
         host_1.app.http_requests_total.cached.true.method.POST_x 7.0 1700000000\n\
         host_1.app.latency_seconds_bucket.le.0_5 1.0 1700000000\n\
         host_1.app.latency_seconds_bucket.le._Inf 2.0 1700000000\n\
         host_1.app.latency_seconds_sum 2.25 1700000000\n\
         host_1.app.latency_seconds_count 2.0 1700000000\n\
         host_1.app.peers 1.5 1700000000\n"
    );
    assert_eq!(
        GraphiteBridge::new("x:1").tags(true).lines(&registry, 5),
        "http_requests_total;cached=false;method=get 0.0 5\n\
         http_requests_total;cached=true;method=get 0.0 5\n\
         http_requests_total;cached=false;method=POST_x 0.0 5\n\
         http_requests_total;cached=true;method=POST_x 7.0 5\n\
         latency_seconds_bucket;le=0_5 1.0 5\n\
         latency_seconds_bucket;le=_Inf 2.0 5\n\
         latency_seconds_sum 2.25 5\n\
         latency_seconds_count 2.0 5\n\
         peers 1.5 5\n"
    );
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn push_sends_every_line_with_the_current_time() {
    let carbon = Carbon::start();
    let registry = registry();
    let bridge = GraphiteBridge::new(carbon.addr.to_string()).prefix("p");
    let before = now();
    bridge.push(&registry).unwrap();
    let after = now();
    let got = carbon.wait_for(1);
    assert_eq!(got.len(), 1);
    let ts: u64 = got[0]
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((before..=after).contains(&ts));
    assert_eq!(got[0], bridge.lines(&registry, ts));
}

#[test]
fn push_to_nobody_is_an_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bridge = GraphiteBridge::new(format!("127.0.0.1:{port}")).timeout(Duration::from_secs(2));
    let err = bridge.push(&Registry::new()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(GraphiteBridge::new("no port here")
        .push(&Registry::new())
        .is_err());
}

#[test]
fn the_background_pusher_reconnects_after_carbon_goes_away_and_shuts_down_cleanly() {
    let carbon = Carbon::start();
    let addr = carbon.addr;
    let registry = Arc::new(Registry::new());
    let ticks = Arc::new(Counter::new());
    registry
        .register_metric("ticks", "Ticks.", ticks.clone())
        .unwrap();
    ticks.inc();

    let handle = GraphiteBridge::new(addr.to_string())
        .timeout(Duration::from_secs(1))
        .start(registry.clone(), Duration::from_millis(50))
        .unwrap();
    // The first push is immediate, then one per interval.
    let got = carbon.wait_for(3);
    assert!(got.len() >= 3, "{got:?}");
    assert!(
        got.iter().all(|c| c.starts_with("ticks_total 1.0 ")),
        "{got:?}"
    );

    // Carbon goes away: pushes fail and are counted, the thread keeps going.
    drop(carbon);
    let deadline = Instant::now() + Duration::from_secs(10);
    while handle.failures() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(handle.failures() >= 2);
    assert!(handle.last_error().is_some());

    // Carbon comes back on the same port: the next tick reaches it.
    ticks.inc();
    let carbon = Carbon::start_on(addr);
    let got = carbon.wait_for(2);
    assert!(got.len() >= 2, "{got:?}");
    assert!(
        got.iter().all(|c| c.starts_with("ticks_total 2.0 ")),
        "{got:?}"
    );

    // Shutdown joins the thread; nothing is sent afterwards. (A push is counted after
    // carbon has read it, so the count may trail what carbon saw for a moment.)
    let deadline = Instant::now() + Duration::from_secs(10);
    while handle.pushes() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let pushed = handle.pushes();
    assert!(pushed >= 5, "{pushed} pushes counted");
    let started = Instant::now();
    handle.shutdown();
    assert!(started.elapsed() < Duration::from_secs(2));
    let after = carbon.received().len();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(carbon.received().len(), after);
}

#[test]
fn shutdown_stops_the_thread_at_once_even_with_a_long_interval() {
    let carbon = Carbon::start();
    let handle = GraphiteBridge::new(carbon.addr.to_string())
        .start(promenade::default_registry(), Duration::from_secs(3600))
        .unwrap();
    carbon.wait_for(1);
    let started = Instant::now();
    handle.shutdown();
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Dropping the handle detaches the pusher, like `std::thread::JoinHandle` (and like
/// `ServerHandle`, tests/serve.rs): pushes go on after the drop.
#[test]
fn dropping_the_handle_keeps_pushing() {
    let carbon = Carbon::start();
    let registry = Arc::new(Registry::new());
    let ticks = Arc::new(Counter::new());
    registry
        .register_metric("ticks", "Ticks.", ticks.clone())
        .unwrap();
    let handle = GraphiteBridge::new(carbon.addr.to_string())
        .timeout(Duration::from_secs(1))
        .start(registry, Duration::from_millis(20))
        .unwrap();
    assert!(!carbon.wait_for(1).is_empty());
    drop(handle);
    // Pushes made after the drop see the new value.
    ticks.inc_by(7);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !carbon
        .received()
        .iter()
        .any(|c| c.starts_with("ticks_total 7.0 "))
    {
        assert!(
            Instant::now() < deadline,
            "no push after the handle was dropped: {:?}",
            carbon.received()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // And it goes on.
    let seen = carbon.received().len();
    assert!(carbon.wait_for(seen + 2).len() >= seen + 2);
}

/// Driven by `scripts/e2e-exporters.sh` against a real carbon-cache (ignored otherwise):
/// pushes once to `PROMENADE_E2E_CARBON` with prefix `promenade_e2e.once`, then runs the
/// background pusher (prefix `promenade_e2e.loop`, 1 s interval) for 3 s while a gauge
/// changes, and shuts it down.
#[test]
#[ignore = "run by scripts/e2e-exporters.sh against a real carbon-cache"]
fn e2e_graphite_bridge() {
    let addr = std::env::var("PROMENADE_E2E_CARBON").expect("PROMENADE_E2E_CARBON");
    let registry = Arc::new(registry());
    GraphiteBridge::new(&addr)
        .prefix("promenade_e2e.once")
        .push(&registry)
        .unwrap();
    let level = Arc::new(Gauge::new());
    registry
        .register_metric("level", "Level.", level.clone())
        .unwrap();
    level.set(10.0);
    let handle = GraphiteBridge::new(&addr)
        .prefix("promenade_e2e.loop")
        .start(registry.clone(), Duration::from_secs(1))
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    level.set(20.0);
    std::thread::sleep(Duration::from_millis(1500));
    let (pushes, failures) = (handle.pushes(), handle.failures());
    handle.shutdown();
    assert_eq!(failures, 0);
    assert!(pushes >= 3, "{pushes}");
    println!("E2E_PUSHES {pushes}");
}
