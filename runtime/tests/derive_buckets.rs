//! `buckets = ...` in every form the derive and `#[timed]` read: a list, `exponential(..)`,
//! `linear(..)`, and a constant (`[f64; N]` or `&[f64]`, by a plain or a module path).
//! The bounds the macros compute are `Buckets::exponential`/`linear`'s, exactly.

use promenade::{Buckets, Histogram, Metrics, Registry};

const LATENCY: [f64; 3] = [0.05, 0.5, 5.0];

mod config {
    pub const SIZES: &[f64] = &[100.0, 1000.0];
}

#[derive(Metrics)]
#[metrics(self_register = false)]
struct Forms {
    /// Listed.
    #[metric(buckets = [0.1, 1.0])]
    listed_seconds: Histogram,
    /// Exponential.
    #[metric(buckets = exponential(0.01, 2, 11))]
    exponential_seconds: Histogram,
    /// Linear.
    #[metric(buckets = linear(-1, 0.25, 5))]
    linear_seconds: Histogram,
    /// From an array constant.
    #[metric(buckets = LATENCY)]
    latency_seconds: Histogram,
    /// From a slice constant behind a path.
    #[metric(buckets = config::SIZES)]
    size_bytes: Histogram,
}

/// The `le` values of `family`'s bucket lines, `+Inf` left out, read back as numbers.
fn le_values(text: &str, family: &str) -> Vec<f64> {
    let prefix = format!("{family}_bucket{{le=\"");
    text.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('"').next())
        .filter(|le| *le != "+Inf")
        .map(|le| le.parse().unwrap())
        .collect()
}

fn exposed(forms: Forms) -> String {
    let r = Registry::new();
    r.register(forms).unwrap();
    let mut text = String::new();
    promenade::encoding::text::encode(&r, &mut text);
    text
}

#[test]
fn every_form_exposes_its_bounds() {
    let text = exposed(Forms::new());
    assert_eq!(le_values(&text, "listed_seconds"), [0.1, 1.0]);
    assert_eq!(le_values(&text, "latency_seconds"), LATENCY);
    assert_eq!(le_values(&text, "size_bytes"), config::SIZES);
    assert_eq!(
        le_values(&text, "linear_seconds"),
        [-1.0, -0.75, -0.5, -0.25, 0.0]
    );
}

#[test]
fn the_derive_computes_what_buckets_exponential_and_linear_compute() {
    let text = exposed(Forms::new());
    let exponential = Buckets::exponential(0.01, 2.0, 11).unwrap();
    assert_eq!(
        le_values(&text, "exponential_seconds"),
        exponential.bounds()
    );
    assert_eq!(le_values(&text, "exponential_seconds").len(), 11);
    let linear = Buckets::linear(-1.0, 0.25, 5).unwrap();
    assert_eq!(le_values(&text, "linear_seconds"), linear.bounds());
    // And the exposed spelling is the runtime's own, line for line.
    let r = Registry::new();
    r.register_metric(
        "exponential_seconds",
        "Exponential.",
        std::sync::Arc::new(Histogram::new(exponential)),
    )
    .unwrap();
    let mut by_hand = String::new();
    promenade::encoding::text::encode(&r, &mut by_hand);
    let buckets = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("exponential_seconds_bucket"))
            .map(String::from)
            .collect()
    };
    assert_eq!(buckets(&text), buckets(&by_hand));
}

#[test]
fn generated_bounds_refuse_a_count_beyond_the_limit_instead_of_allocating() {
    for count in [Buckets::MAX_GENERATED + 1, usize::MAX] {
        assert_eq!(
            Buckets::exponential(0.01, 2.0, count).unwrap_err().to_string(),
            format!("invalid histogram buckets: `exponential` buckets take at most 1024 bounds, not {count} (each bound is one more series per label set); use a smaller count")
        );
        assert!(Buckets::linear(0.0, 1.0, count).is_err());
    }
    assert_eq!(
        Buckets::linear(0.0, 1.0, Buckets::MAX_GENERATED)
            .unwrap()
            .bounds()
            .len(),
        1024
    );
    assert_eq!(
        Buckets::linear(0.0, 0.0, 3).unwrap_err().to_string(),
        "invalid histogram buckets: `linear` buckets need a positive width, got `0`"
    );
    assert_eq!(
        Buckets::exponential(1e300, 10.0, 10).unwrap_err().to_string(),
        "invalid histogram buckets: `exponential` buckets with these arguments grow past the largest `f64` before the last of their 10 bounds; use a smaller start, factor or count"
    );
    assert_eq!(
        Buckets::linear(f64::NAN, 1.0, 3).unwrap_err().to_string(),
        "invalid histogram buckets: `linear` buckets need a finite start"
    );
}

/// A backup, timed into its own histogram with generated buckets.
#[promenade::timed(name = "derive_buckets_backup_seconds", buckets = exponential(0.001, 10, 4))]
fn backup() {}

/// A restore, timed with a constant's buckets.
#[promenade::timed(name = "derive_buckets_restore_seconds", buckets = LATENCY)]
fn restore() {}

#[test]
fn timed_reads_the_same_forms() {
    backup();
    restore();
    let mut text = String::new();
    promenade::encoding::text::encode(promenade::default_registry(), &mut text);
    assert_eq!(
        le_values(&text, "derive_buckets_backup_seconds"),
        Buckets::exponential(0.001, 10.0, 4).unwrap().bounds()
    );
    assert_eq!(le_values(&text, "derive_buckets_restore_seconds"), LATENCY);
}
