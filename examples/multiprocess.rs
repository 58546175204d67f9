//! Multiprocess mode: one port, N worker processes, one truthful `/metrics`.
//!
//! ```text
//! cargo run --example multiprocess --features multiprocess
//! curl 127.0.0.1:8001/            # answered by one of the workers
//! curl 127.0.0.1:8001/metrics     # the aggregate of all of them, whichever answers
//! ```
//!
//! What it shows:
//! - a supervisor that prepares the metrics directory for a fresh start
//!   (`multiprocess::prepare_directory`), then starts N workers by re-executing itself,
//!   and replaces any worker that exits — killed with `SIGKILL` included;
//! - workers that call `multiprocess::start_from_env()` first thing and otherwise are a
//!   plain single-process axum app: the same `#[derive(Metrics)]` struct and
//!   `#[promenade::timed]` attribute, nothing multiprocess-specific in the declarations
//!   but `#[metric(multiprocess = "livesum")]` on the gauge that counts live workers;
//! - every worker listening on the same port with `SO_REUSEPORT` (through `socket2`), so
//!   the kernel spreads connections over them;
//! - `GET /metrics` from any worker serving the aggregate: counters and histograms summed
//!   over every worker that ever ran (dead ones folded into an archive, so the totals never
//!   go back when a worker is killed), `livesum` gauges over the live ones only.
//!
//! Environment:
//! - `PROMENADE_MP_ADDR`: where to listen (default `127.0.0.1:8001`);
//! - `PROMENADE_MP_WORKERS`: how many workers (default 4);
//! - `PROMENADE_MULTIPROC_DIR`: the metrics directory (default `promenade-multiprocess-example`
//!   in the system's temporary directory); the supervisor wipes it at start.
//!
//! The supervisor prints one line per worker start (`worker 2 pid 4242`) and exit
//! (`worker 2 pid 4242 exited: …`), which `scripts/e2e-multiprocess.sh` reads.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use promenade::{multiprocess, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics};

const WORKER_ENV: &str = "PROMENADE_MP_WORKER";

/// The route a request took, as a label value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Route {
    Hello,
    Work,
}

/// `{route="hello"}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct RouteLabels {
    route: Route,
}

/// The workers' metrics, exposed as `mp_example_…`.
#[derive(Metrics)]
#[metrics(namespace = "mp_example")]
struct WorkerMetrics {
    /// Requests answered, by route.
    requests: Family<RouteLabels, Counter>,
    /// How long the `/work` requests took.
    #[metric(buckets = [0.005, 0.01, 0.05, 0.1, 0.5])]
    work_seconds: Histogram,
    /// Worker processes running now (each live worker adds 1; a dead one is left out).
    #[metric(multiprocess = "livesum")]
    workers: Gauge,
}

fn metrics() -> &'static WorkerMetrics {
    WorkerMetrics::global()
}

fn main() {
    match std::env::var(WORKER_ENV) {
        Ok(index) => worker(&index),
        Err(_) => supervise(),
    }
}

fn addr() -> SocketAddr {
    let addr = std::env::var("PROMENADE_MP_ADDR").unwrap_or_else(|_| "127.0.0.1:8001".into());
    addr.parse().unwrap_or_else(|e| {
        eprintln!("multiprocess: PROMENADE_MP_ADDR={addr:?} is not an address: {e}");
        std::process::exit(1);
    })
}

/// Starts the workers and keeps N of them running.
fn supervise() {
    let n: usize = match std::env::var("PROMENADE_MP_WORKERS").map(|v| v.parse()) {
        Err(_) => 4,
        Ok(Ok(n)) if n > 0 => n,
        Ok(_) => {
            eprintln!("multiprocess: PROMENADE_MP_WORKERS must be a number above 0");
            std::process::exit(1);
        }
    };
    let dir = std::env::var_os(multiprocess::DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("promenade-multiprocess-example"));
    if let Err(e) = multiprocess::prepare_directory(&dir) {
        eprintln!("multiprocess: {e}");
        std::process::exit(1);
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| {
        eprintln!("multiprocess: cannot find this program to start its workers: {e}");
        std::process::exit(1);
    });
    let addr = addr();
    println!(
        "multiprocess example: {n} workers on http://{addr}, metrics in {}",
        dir.display()
    );
    println!("  metrics:   curl http://{addr}/metrics");
    let start = |index: usize| -> Child {
        let child = Command::new(&exe)
            .env(WORKER_ENV, index.to_string())
            .env(multiprocess::DIR_ENV, &dir)
            .env("PROMENADE_MP_ADDR", addr.to_string())
            .spawn()
            .unwrap_or_else(|e| {
                eprintln!("multiprocess: cannot start worker {index}: {e}");
                std::process::exit(1);
            });
        println!("worker {index} pid {}", child.id());
        child
    };
    let mut workers: Vec<Child> = (0..n).map(start).collect();
    loop {
        for (index, child) in workers.iter_mut().enumerate() {
            if let Ok(Some(status)) = child.try_wait() {
                println!("worker {index} pid {} exited: {status}", child.id());
                *child = start(index);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[promenade::timed]
async fn hello() -> String {
    metrics()
        .requests
        .labels(RouteLabels {
            route: Route::Hello,
        })
        .inc();
    format!("hello from {}\n", std::process::id())
}

async fn work() -> String {
    let _timer = metrics().work_seconds.start_timer();
    tokio::time::sleep(Duration::from_millis(20)).await;
    metrics()
        .requests
        .labels(RouteLabels { route: Route::Work })
        .inc();
    format!("worked in {}\n", std::process::id())
}

/// One worker: multiprocess mode, then an ordinary axum app on the shared port.
fn worker(index: &str) {
    match multiprocess::start_from_env() {
        Ok(Some(_)) => {}
        Ok(None) => {
            eprintln!(
                "multiprocess: worker {index} has no {}",
                multiprocess::DIR_ENV
            );
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("multiprocess: worker {index}: {e}");
            std::process::exit(1);
        }
    }
    metrics().workers.inc();
    let addr = addr();
    let listener = match reuse_port_listener(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("multiprocess: worker {index} cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        let app = Router::new()
            .route("/", get(hello))
            .route("/work", get(work))
            .route("/metrics", promenade::axum::metrics());
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("multiprocess: worker {index}: {e}");
            std::process::exit(1);
        }
    });
}

/// A listener that shares its port with the other workers (`SO_REUSEPORT`).
fn reuse_port_listener(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}
