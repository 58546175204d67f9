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
//!   go back when a worker is killed), `livesum` gauges over the live ones only;
//! - a job runner or supervisor pushing the aggregate of all its processes to a
//!   Pushgateway: with `PROMENADE_MP_PUSHGATEWAY` set, the supervisor (which records
//!   nothing itself) registers `multiprocess::collector(&dir)` in a `Registry` of its own
//!   and pushes that registry every second (`PUT`, so the group is replaced each time).
//!
//! Environment:
//! - `PROMENADE_MP_ADDR`: where to listen (default `127.0.0.1:8001`);
//! - `PROMENADE_MP_WORKERS`: how many workers (default 4);
//! - `PROMENADE_MULTIPROC_DIR`: the metrics directory (default `promenade-multiprocess-example`
//!   in the system's temporary directory); the supervisor wipes it at start;
//! - `PROMENADE_MP_PUSHGATEWAY`: a Pushgateway URL (`http://127.0.0.1:9091`); when set, the
//!   supervisor pushes the aggregate there every second as job `multiprocess_example`
//!   (unset: no push; a URL the client cannot use: an error at start, exit 1). A failed
//!   push is retried the next second; each distinct error is printed on stderr once, until
//!   a push works again.
//!
//! The supervisor prints one line per worker start (`worker 2 pid 4242`) and exit
//! (`worker 2 pid 4242 exited: …`), which `scripts/e2e-multiprocess.sh` reads.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use promenade::push::{Group, Pushgateway};
use promenade::{multiprocess, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics};

const WORKER_ENV: &str = "PROMENADE_MP_WORKER";
/// The Pushgateway to push the aggregate to, if set.
const PUSHGATEWAY_ENV: &str = "PROMENADE_MP_PUSHGATEWAY";
/// The job the aggregate is pushed as.
const PUSH_JOB: &str = "multiprocess_example";

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
    let push = pushgateway();
    println!(
        "multiprocess example: {n} workers on http://{addr}, metrics in {}",
        dir.display()
    );
    println!("  metrics:   curl http://{addr}/metrics");
    if let Some((url, group)) = push {
        push_aggregate(&dir, url, group);
    }
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

/// The URL of `PROMENADE_MP_PUSHGATEWAY` and the group to push to there, if it is set; a
/// URL the client cannot use ends the program at once.
fn pushgateway() -> Option<(String, Group)> {
    let url = match std::env::var(PUSHGATEWAY_ENV) {
        Ok(url) => url,
        Err(std::env::VarError::NotPresent) => return None,
        Err(e) => {
            eprintln!("multiprocess: {PUSHGATEWAY_ENV}: {e}");
            std::process::exit(1);
        }
    };
    match Pushgateway::new(&url) {
        Ok(gateway) => Some((url, gateway.job(PUSH_JOB))),
        Err(e) => {
            eprintln!("multiprocess: {PUSHGATEWAY_ENV}: {e}");
            std::process::exit(1);
        }
    }
}

/// Pushes the aggregate of every process of `dir` to `group` every second, from a thread
/// of its own.
///
/// The supervisor does not start multiprocess mode (it records nothing): its own
/// `Registry` holds only the collector of the directory, so it pushes the aggregate a
/// worker's `/metrics` serves, without the `process_*` metrics of whichever worker
/// answered.
fn push_aggregate(dir: &Path, url: String, group: Group) {
    let registry = promenade::Registry::new();
    if let Err(e) = registry.register(multiprocess::collector(dir)) {
        eprintln!("multiprocess: cannot register the aggregate: {e}");
        std::process::exit(1);
    }
    println!("  pushing:   the aggregate to {url} every second, job {PUSH_JOB} (PUT)");
    let spawned = std::thread::Builder::new()
        .name("push".into())
        .spawn(move || {
            // The last error reported: the same one is not printed again every second.
            let mut reported: Option<String> = None;
            loop {
                match group.push(&registry) {
                    Ok(()) => {
                        if reported.take().is_some() {
                            eprintln!("multiprocess: pushing to {url} works again");
                        }
                    }
                    Err(e) => {
                        let e = e.to_string();
                        if reported.as_deref() != Some(e.as_str()) {
                            eprintln!(
                                "multiprocess: push to {url} failed (retrying every second): {e}"
                            );
                            reported = Some(e);
                        }
                    }
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
    if let Err(e) = spawned {
        eprintln!("multiprocess: cannot start the push thread: {e}");
        std::process::exit(1);
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
