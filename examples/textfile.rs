//! Metrics for the node exporter's textfile collector: writes `DIR/promenade_example.prom`
//! atomically and exits.
//!
//! ```text
//! cargo run -p promenade --features textfile --example textfile -- /var/lib/node_exporter
//! prometheus-node-exporter --collector.textfile.directory=/var/lib/node_exporter …
//! ```
//!
//! A cron job would run this after each backup; the node exporter exports the file with
//! the machine's metrics on every scrape and never sees it half-written.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use promenade::textfile::write_textfile;
use promenade::{Counter, Family, Gauge, LabelSet, LabelValue, Registry};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Volume {
    Root,
    Home,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Backup {
    volume: Volume,
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: textfile DIR   (writes DIR/promenade_example.prom)");
        return ExitCode::FAILURE;
    };

    let registry = Registry::new();
    let bytes = Arc::new(Family::<Backup, Counter>::new());
    let last_run = Arc::new(Gauge::new());
    let registered = registry
        .register_metric(
            "promenade_example_backup_bytes",
            "Bytes backed up by the last run.",
            bytes.clone(),
        )
        .and_then(|_| {
            registry.register_metric(
                "promenade_example_last_run_timestamp_seconds",
                "When the example last wrote its file (Unix seconds).",
                last_run.clone(),
            )
        });
    if let Err(e) = registered {
        eprintln!("textfile: {e}");
        return ExitCode::FAILURE;
    }
    bytes
        .labels(Backup {
            volume: Volume::Root,
        })
        .inc_by(1_048_576);
    bytes
        .labels(Backup {
            volume: Volume::Home,
        })
        .inc_by(524_288);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    last_run.set(now as f64);

    let path = std::path::Path::new(&dir).join("promenade_example.prom");
    match write_textfile(&path, &registry) {
        Ok(()) => {
            println!("textfile: wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("textfile: writing {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
