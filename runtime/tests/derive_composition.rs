//! `#[derive(Metrics)]` composed: nested structs under their parent's prefix, units,
//! constant labels, flattened label sets and range newtypes as labels, through the whole
//! exposition text.

use std::sync::Arc;

use promenade::encoding::text::encode;
use promenade::labels::OutOfRange;
use promenade::registry::Collector;
use promenade::{Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics, Registry};

fn text(registry: &Registry) -> String {
    let mut out = String::new();
    encode(registry, &mut out);
    out
}

fn exposition_of<C: Collector>(c: C) -> String {
    let registry = Registry::new();
    registry.register(c).unwrap();
    text(&registry)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Op {
    Read,
    Write,
}

#[derive(Metrics)]
#[metrics(subsystem = "db")]
struct DbMetrics {
    /// Queries run.
    queries: Family<Query, Counter>,
    /// Open connections.
    connections: Gauge,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Query {
    op: Op,
}

#[derive(Metrics)]
#[metrics(namespace = "app")]
struct AppMetrics {
    /// Requests served.
    requests: Counter,
    #[metric(nested)]
    db: DbMetrics,
    #[metric(nested, prefix = "replica")]
    replica: DbMetrics,
}

#[test]
fn nested_structs_take_the_parents_prefix() {
    let app = Arc::new(AppMetrics::new());
    let registry = Registry::new();
    registry.register(app.clone()).unwrap();
    app.requests.inc();
    app.db.queries.labels(Query { op: Op::Write }).inc();
    app.replica.connections.set(3.0);
    assert_eq!(
        text(&registry),
        "\
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 1
# HELP app_db_queries_total Queries run.
# TYPE app_db_queries_total counter
app_db_queries_total{op=\"read\"} 0
app_db_queries_total{op=\"write\"} 1
# HELP app_db_connections Open connections.
# TYPE app_db_connections gauge
app_db_connections 0.0
# HELP app_replica_db_queries_total Queries run.
# TYPE app_replica_db_queries_total counter
app_replica_db_queries_total{op=\"read\"} 0
app_replica_db_queries_total{op=\"write\"} 0
# HELP app_replica_db_connections Open connections.
# TYPE app_replica_db_connections gauge
app_replica_db_connections 3.0
"
    );
    let names: Vec<_> = app.describe().into_iter().map(|d| d.name).collect();
    assert_eq!(
        names,
        [
            "app_requests",
            "app_db_queries",
            "app_db_connections",
            "app_replica_db_queries",
            "app_replica_db_connections"
        ]
    );
    // Standing alone, the nested struct keeps its own names.
    assert!(exposition_of(DbMetrics::new()).starts_with("# HELP db_queries_total Queries run.\n"));
}

#[test]
fn a_nested_struct_is_exposed_once_through_its_parent() {
    // `DbMetrics` is nested in `AppMetrics`, so its own `global()` does not join the
    // default registry (which would expose `db_queries_total` beside the parent's).
    let text = promenade::encoding::text::encode_to_string(promenade::default_registry());
    assert!(
        text.contains("app_db_queries_total{op=\"read\"} 0\n"),
        "{text}"
    );
    assert!(!text.contains("\ndb_queries_total"), "{text}");
    assert!(!text.starts_with("# HELP db_queries_total"), "{text}");
}

#[derive(Metrics)]
#[metrics(namespace = "job")]
struct Units {
    /// Time spent.
    #[metric(unit = "seconds", buckets = [0.5])]
    duration: Histogram,
    /// CPU used.
    #[metric(unit = "seconds")]
    cpu_total: Counter,
    /// Bytes read (the name already ends with the unit: not doubled).
    #[metric(unit = "bytes")]
    read_bytes: Counter,
    /// Memory held.
    #[metric(name = "memory_bytes", unit = "bytes")]
    memory: Gauge,
}

#[test]
fn units_are_appended_once_and_before_total() {
    let m = Units::new();
    m.cpu_total.inc_by(2);
    assert_eq!(
        exposition_of(m),
        "\
# HELP job_duration_seconds Time spent.
# TYPE job_duration_seconds histogram
job_duration_seconds_bucket{le=\"0.5\"} 0
job_duration_seconds_bucket{le=\"+Inf\"} 0
job_duration_seconds_sum 0.0
job_duration_seconds_count 0
# HELP job_cpu_seconds_total CPU used.
# TYPE job_cpu_seconds_total counter
job_cpu_seconds_total 2
# HELP job_read_bytes_total Bytes read (the name already ends with the unit: not doubled).
# TYPE job_read_bytes_total counter
job_read_bytes_total 0
# HELP job_memory_bytes Memory held.
# TYPE job_memory_bytes gauge
job_memory_bytes 0.0
"
    );
    let units: Vec<_> = Units::new()
        .describe()
        .into_iter()
        .map(|d| (d.name, d.unit))
        .collect();
    assert_eq!(
        units,
        [
            ("job_duration_seconds".into(), Some("seconds".into())),
            ("job_cpu_seconds".into(), Some("seconds".into())),
            ("job_read_bytes".into(), Some("bytes".into())),
            ("job_memory_bytes".into(), Some("bytes".into())),
        ]
    );
}

#[derive(Metrics)]
#[metrics(const_labels(env = "prod", region = "eu \"west\""))]
struct Labelled {
    /// Jobs done.
    jobs: Family<Query, Counter>,
    /// Queue length.
    queue: Gauge,
    #[metric(nested)]
    inner: InnerLabelled,
}

#[derive(Metrics)]
#[metrics(const_labels(part = "inner"))]
struct InnerLabelled {
    /// Latency.
    #[metric(buckets = [1.0])]
    latency: Histogram,
}

#[test]
fn constant_labels_are_on_every_series() {
    let m = Labelled::new();
    m.jobs.labels(Query { op: Op::Read }).inc();
    m.inner.latency.observe(0.5);
    assert_eq!(
        exposition_of(m),
        "\
# HELP jobs_total Jobs done.
# TYPE jobs_total counter
jobs_total{env=\"prod\",region=\"eu \\\"west\\\"\",op=\"read\"} 1
jobs_total{env=\"prod\",region=\"eu \\\"west\\\"\",op=\"write\"} 0
# HELP queue Queue length.
# TYPE queue gauge
queue{env=\"prod\",region=\"eu \\\"west\\\"\"} 0.0
# HELP latency Latency.
# TYPE latency histogram
latency_bucket{env=\"prod\",region=\"eu \\\"west\\\"\",part=\"inner\",le=\"1.0\"} 1
latency_bucket{env=\"prod\",region=\"eu \\\"west\\\"\",part=\"inner\",le=\"+Inf\"} 1
latency_sum{env=\"prod\",region=\"eu \\\"west\\\"\",part=\"inner\"} 0.5
latency_count{env=\"prod\",region=\"eu \\\"west\\\"\",part=\"inner\"} 1
"
    );
    let registry = Registry::new();
    registry.register(Labelled::new()).unwrap();
    assert_eq!(
        registry.get_sample_value(
            "latency_count",
            &[
                ("env", "prod"),
                ("region", "eu \"west\""),
                ("part", "inner")
            ]
        ),
        Some(0.0)
    );
}

/// A shard number: ten values, `0` to `9`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 0..=9)]
struct Shard(u8);

/// Signed and half-open: `-2`, `-1`, `0`, `1`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = -2..2)]
struct Offset {
    value: i32,
}

/// A newtype over a bool: its values are the bool's.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
struct Cached(bool);

/// A newtype over another label value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
struct Operation(Op);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Placement {
    shard: Shard,
    cached: Cached,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Access {
    operation: Operation,
    #[label(flatten)]
    placement: Placement,
}

#[derive(Metrics)]
struct Storage {
    /// Accesses per operation, shard and cache outcome.
    accesses: Family<Access, Counter>,
}

#[test]
fn range_newtypes_are_dense_and_checked() {
    assert_eq!(Shard::CARDINALITY, Some(10));
    assert_eq!(Shard::try_from(9).map(|s| s.index()), Ok(9));
    assert_eq!(
        Shard::try_from(10),
        Err(OutOfRange {
            value: 10,
            min: 0,
            max: 9
        })
    );
    assert_eq!(
        Shard::try_from(200).unwrap_err().to_string(),
        "label value 200 is outside its declared range 0..=9"
    );
    assert_eq!(Shard::from_index(3), Some(Shard(3)));
    assert_eq!(Shard::from_index(10), None);
    // Built behind `try_from`'s back (only possible in the defining module): counted as
    // the nearest bound, never out of the dense array.
    assert_eq!(Shard(200).index(), 9);

    assert_eq!(Offset::CARDINALITY, Some(4));
    let offsets: Vec<_> = (0..4)
        .map(|i| Offset::from_index(i).unwrap().value)
        .collect();
    assert_eq!(offsets, [-2, -1, 0, 1]);
    assert_eq!(Offset::try_from(-2).map(|o| o.index()), Ok(0));
    assert!(Offset::try_from(2).is_err());

    assert_eq!(Cached::CARDINALITY, Some(2));
    assert_eq!(Cached(true).index(), 1);
    assert_eq!(Operation::CARDINALITY, Some(2));
    assert_eq!(Operation::from_index(1), Some(Operation(Op::Write)));
}

#[test]
fn flattened_and_newtype_labels_through_a_family() {
    assert_eq!(Access::NAMES, &["operation", "shard", "cached"]);
    assert_eq!(Access::CARDINALITY, Some(2 * 10 * 2));
    let m = Storage::new();
    let shard = Shard::try_from(7).unwrap();
    m.accesses
        .labels(Access {
            operation: Operation(Op::Write),
            placement: Placement {
                shard,
                cached: Cached(true),
            },
        })
        .inc_by(5);
    let text = exposition_of(m);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + 40);
    assert_eq!(
        lines[2],
        "accesses_total{operation=\"read\",shard=\"0\",cached=\"false\"} 0"
    );
    assert_eq!(
        lines[3],
        "accesses_total{operation=\"read\",shard=\"0\",cached=\"true\"} 0"
    );
    assert_eq!(
        lines[2 + (10 + 7) * 2 + 1],
        "accesses_total{operation=\"write\",shard=\"7\",cached=\"true\"} 5"
    );
    assert_eq!(
        lines[41],
        "accesses_total{operation=\"write\",shard=\"9\",cached=\"true\"} 0"
    );
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(limit = 2)]
    host: String,
}

#[derive(Metrics)]
struct Peers {
    /// Errors per peer: the label set's declared limit caps the family.
    errors: Family<Peer, Counter>,
}

#[test]
fn a_label_sets_declared_limit_caps_the_family() {
    let m = Arc::new(Peers::new());
    let registry = Registry::new();
    registry.register(m.clone()).unwrap();
    for host in ["a", "b", "c", "d"] {
        m.errors.labels(Peer { host: host.into() }).inc();
    }
    assert_eq!(m.errors.limit(), 2);
    assert_eq!(m.errors.overflow_count(), 2);
    assert_eq!(
        registry.get_sample_value("errors_total", &[("host", "__overflow__")]),
        Some(2.0)
    );
}
