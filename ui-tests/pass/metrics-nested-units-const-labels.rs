//! Nested structs, units and constant labels together.
use promenade::{Counter, Gauge, Histogram, Metrics};

#[derive(Metrics)]
#[metrics(subsystem = "db", const_labels(pool = "main"))]
struct Db {
    /// Query time.
    #[metric(unit = "seconds", buckets = [0.01, 0.1])]
    query: Histogram,
    /// Bytes read.
    #[metric(unit = "bytes")]
    read_total: Counter,
}

#[derive(Metrics)]
#[metrics(namespace = "app", const_labels(env = "prod"), max_series = 100)]
struct App {
    /// Open sessions.
    sessions: Gauge,
    #[metric(nested)]
    db: Db,
    #[metric(nested, prefix = "replica")]
    replica: Db,
}

fn main() {
    App::global().db.read_total.inc_by(10);
    App::global().replica.query.observe(0.05);
}
