//! Load target for `scripts/load.sh`: a registry of 10,000 counter series, concurrent
//! writer threads incrementing them, and the stand-alone server
//! ([`promenade::serve::Server`]) exposing it at `/metrics`.
//!
//! ```text
//! cargo run --release --no-default-features --example load_target -- 127.0.0.1:9184 2
//! ```
//!
//! Arguments: the address to listen on (default `127.0.0.1:9184`) and the number of
//! writer threads (default 2). It prints `listening http://ADDR/metrics`, then:
//! - on a line `stop` on stdin: stops the writers, joins them, and prints the exact
//!   number of increments they made; then scrapes its own `/metrics` over HTTP, sums the
//!   counters it reads back and prints `readback increments=N exposed_sum=M series=S
//!   check=ok` (or `check=MISMATCH`);
//! - on end of stdin: shuts the server down gracefully and exits (status 1 if the check
//!   failed).

use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use promenade::serve::Server;
use promenade::{Counter, Family, LabelSet, LabelValue, Registry};

/// The series number, `0` to `9999`: a dense label value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 0..=9999)]
struct SeriesId(u16);

/// `{series="…"}`: 10,000 label sets, kept in one array.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Key {
    series: SeriesId,
}

const SERIES: u16 = 10_000;
const NAME: &str = "load_increments";

/// Increments random series until `stop`; returns how many increments it made.
fn writer(family: &Family<Key, Counter>, stop: &AtomicBool, seed: u64) -> u64 {
    let mut state = seed | 1;
    let mut made = 0u64;
    while !stop.load(Ordering::Relaxed) {
        // Check the flag every 1024 increments: the counting loop stays tight.
        for _ in 0..1024 {
            // xorshift64: cheap, good enough to spread the writes.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let series = SeriesId((state % u64::from(SERIES)) as u16);
            family.labels(Key { series }).inc();
            made += 1;
        }
    }
    made
}

/// Scrapes `addr` once and returns (sum of the family's samples, number of its series).
fn read_back(addr: SocketAddr) -> std::io::Result<(u64, usize)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n")?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    if !head.starts_with("HTTP/1.1 200 ") {
        return Err(std::io::Error::other(format!(
            "read-back scrape answered {}",
            head.lines().next().unwrap_or("")
        )));
    }
    let prefix = format!("{NAME}_total{{");
    let (mut sum, mut series) = (0u64, 0usize);
    for line in body.lines().filter(|l| l.starts_with(&prefix)) {
        let value = line.rsplit(' ').next().unwrap_or("");
        sum += value
            .parse::<u64>()
            .map_err(|e| std::io::Error::other(format!("{line:?}: {e}")))?;
        series += 1;
    }
    Ok((sum, series))
}

/// Joins the writers (once) and returns the increments they made; a writer that
/// panicked counts 0, so the read-back check fails rather than hiding it.
fn join_all(threads: &mut Option<Vec<std::thread::JoinHandle<u64>>>) -> u64 {
    threads
        .take()
        .map(|ts| ts.into_iter().map(|t| t.join().unwrap_or(0)).sum())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9184".into());
    let writers: usize = match args.next().map(|w| w.parse()) {
        None => 2,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("load_target: the writer count must be a positive integer");
            std::process::exit(2);
        }
    };

    let registry = Arc::new(Registry::new());
    let family: Arc<Family<Key, Counter>> = Arc::new(Family::new());
    if let Err(e) = registry.register_metric(
        NAME,
        "Increments made by the load target's writers.",
        family.clone(),
    ) {
        eprintln!("load_target: {e}");
        std::process::exit(2);
    }
    let server = match Server::builder()
        .addr(addr.as_str())
        .shared_registry(registry)
        .spawn()
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("load_target: cannot listen on {addr}: {e}");
            std::process::exit(2);
        }
    };
    let local = server.local_addr();

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut threads: Option<Vec<_>> = Some(
        (0..writers)
            .map(|i| {
                let (family, stop) = (family.clone(), stop.clone());
                std::thread::spawn(move || {
                    writer(&family, &stop, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1))
                })
            })
            .collect(),
    );
    println!("listening http://{local}/metrics ({SERIES} series, {writers} writers)");

    let mut ok = true;
    let mut lines = std::io::stdin().lock().lines();
    while let Some(Ok(line)) = lines.next() {
        if line.trim() != "stop" || stop.swap(true, Ordering::SeqCst) {
            continue;
        }
        let increments = join_all(&mut threads);
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "writers stopped: increments={increments} seconds={seconds:.1} rate={:.0}/s",
            increments as f64 / seconds
        );
        match read_back(local) {
            Ok((sum, series)) => {
                ok = sum == increments && series == usize::from(SERIES);
                println!(
                    "readback increments={increments} exposed_sum={sum} series={series} check={}",
                    if ok { "ok" } else { "MISMATCH" }
                );
            }
            Err(e) => {
                ok = false;
                println!("readback failed: {e}");
            }
        }
        let _ = std::io::stdout().flush();
    }
    stop.store(true, Ordering::SeqCst);
    join_all(&mut threads);
    server.shutdown();
    std::process::exit(if ok { 0 } else { 1 });
}
