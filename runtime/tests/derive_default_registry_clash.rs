//! Two self-registered structs exposing the same name: the default registry refuses to
//! build silently without one of them. `default_registry()` panics naming both
//! definitions; `try_default_registry()` returns the error. (Its own test binary: the
//! clash is the whole process's.)

use promenade::{Counter, Error, Metrics};

mod billing {
    /// The billing side's jobs.
    #[derive(promenade::Metrics)]
    pub struct JobMetrics {
        /// Jobs run.
        pub clash_jobs: promenade::Counter,
    }
}

mod reports {
    /// The reports side's jobs, named alike by mistake.
    #[derive(promenade::Metrics)]
    pub struct JobMetrics {
        /// Jobs run.
        pub clash_jobs: promenade::Counter,
    }
}

/// Unrelated, and fine.
#[derive(Metrics)]
struct Other {
    /// Other work.
    clash_other: Counter,
}

#[test]
fn default_registry_panics_naming_both_definitions() {
    let panic = std::panic::catch_unwind(promenade::default_registry).unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    // Which of the two registers first is `inventory`'s order: either is named first.
    let a =
        "`clash_jobs` (field `clash_jobs` of `derive_default_registry_clash::billing::JobMetrics`)";
    let b =
        "`clash_jobs` (field `clash_jobs` of `derive_default_registry_clash::reports::JobMetrics`)";
    let (first, second) = if message.find(a) < message.find(b) {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(
        *message,
        format!(
            "promenade: the default registry cannot hold every self-registered metric:\n  \
             duplicate metric: `clash_jobs_total` is exposed both by {first} and by {second}; \
             rename one of them or register them in different registries\n\
             (to handle this without a panic, call `promenade::try_default_registry()` before anything uses the default registry)"
        )
    );
    // Every use panics, not only the first.
    assert!(std::panic::catch_unwind(promenade::default_registry).is_err());
}

#[test]
fn try_default_registry_returns_the_clash() {
    let err = promenade::try_default_registry().unwrap_err();
    assert!(
        matches!(&err, Error::DuplicateMetric { sample, .. } if sample == "clash_jobs_total"),
        "{err}"
    );
    assert_eq!(promenade::registry::default_registry_errors(), [err]);
    // What could be registered is still there, for a program that logs and goes on.
    let r = promenade::registry::default_registry_unchecked();
    assert_eq!(r.get_sample_value("clash_other_total", &[]), Some(0.0));
    assert_eq!(r.get_sample_value("clash_jobs_total", &[]), Some(0.0));
    let _ = (
        Other::global(),
        billing::JobMetrics::global(),
        reports::JobMetrics::global(),
    );
}
