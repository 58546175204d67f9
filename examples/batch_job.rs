//! A batch job that reports to a Pushgateway: what it did, when it started, how long it
//! took and when it last succeeded — or, when it fails, only when it failed.
//!
//! ```text
//! prometheus-pushgateway --web.listen-address=127.0.0.1:9091 --persistence.file= &
//! cargo run -p promenade --features push --example batch_job
//! curl -s 127.0.0.1:9091/metrics | grep -E '^(job_|batch_)'
//! ```
//!
//! Environment:
//! - `PUSHGATEWAY_URL`: the gateway (default `http://127.0.0.1:9091`);
//! - `BATCH_JOB_ITEMS`: how many items to process (default 100);
//! - `BATCH_JOB_FAIL=1`: fail halfway, so only `job_last_failure_timestamp_seconds` is
//!   pushed and the last success stays on the gateway.
//!
//! The group is `job="batch_job"`. A push that fails on the network or with a 5xx is
//! retried (pushes are idempotent on the gateway); a refused push (4xx) is reported with
//! the gateway's own message and the job exits with status 1.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use promenade::push::{BatchJob, PushError, Pushgateway};
use promenade::{Buckets, Counter, Histogram, Registry};

struct Work {
    items: Arc<Counter>,
    item_seconds: Arc<Histogram>,
}

fn main() -> ExitCode {
    let url = std::env::var("PUSHGATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:9091".into());
    let items: u64 = match std::env::var("BATCH_JOB_ITEMS").map(|v| v.parse()) {
        Err(_) => 100,
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            eprintln!("batch_job: BATCH_JOB_ITEMS: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fail = std::env::var("BATCH_JOB_FAIL").is_ok_and(|v| v == "1");

    // A registry of the job's own: only what this run measured is pushed.
    let registry = Registry::new();
    let work = Work {
        items: Arc::new(Counter::new()),
        item_seconds: Arc::new(Histogram::new(Buckets::default())),
    };
    let registered = registry
        .register_metric(
            "batch_job_items_processed",
            "Items processed by the last run.",
            work.items.clone(),
        )
        .and_then(|_| {
            registry.register_metric(
                "batch_job_item_duration_seconds",
                "Time to process one item.",
                work.item_seconds.clone(),
            )
        });
    if let Err(e) = registered {
        eprintln!("batch_job: {e}");
        return ExitCode::FAILURE;
    }

    let gateway = match Pushgateway::new(&url) {
        Ok(g) => g.timeout(Duration::from_secs(10)),
        Err(e) => {
            eprintln!("batch_job: {e}");
            return ExitCode::FAILURE;
        }
    };
    let run = match BatchJob::start(gateway.job("batch_job"), &registry) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("batch_job: {e}");
            return ExitCode::FAILURE;
        }
    };

    let outcome = process(&work, items, fail);
    // `succeeded` / `failed` record the times once and can be called again on a retry.
    let pushed = with_retries(|| run.finish(&outcome));
    drop(run);
    match (&outcome, pushed) {
        (Ok(()), Ok(())) => {
            println!("batch_job: processed {items} items; pushed to {url} (job=\"batch_job\")");
            ExitCode::SUCCESS
        }
        (Err(e), Ok(())) => {
            eprintln!("batch_job: the run failed ({e}); pushed its failure time to {url}");
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            eprintln!("batch_job: push to {url} failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The work: "process" `items` items, failing halfway when asked to.
fn process(work: &Work, items: u64, fail: bool) -> Result<(), String> {
    for i in 0..items {
        let _timer = work.item_seconds.start_timer();
        if fail && i == items / 2 {
            return Err(format!("item {i} could not be processed"));
        }
        work.items.inc();
    }
    Ok(())
}

/// Up to three attempts, one second apart, while the error is transient.
fn with_retries(mut f: impl FnMut() -> Result<(), PushError>) -> Result<(), PushError> {
    let mut attempt = 1;
    loop {
        match f() {
            Err(e) if e.is_transient() && attempt < 3 => {
                eprintln!("batch_job: attempt {attempt} failed ({e}); retrying");
                attempt += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
            other => return other,
        }
    }
}
