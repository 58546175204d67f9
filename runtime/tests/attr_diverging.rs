//! Functions that never return (`-> !`) under the attributes that classify a return: the
//! entry guards record the call, and the drop guards see the panic as `panicked`.

use std::panic::catch_unwind;

use promenade::{counted_exceptions, default_registry, instrumented, timed};

const MODULE: &str = "attr_diverging";

fn sample(name: &str, function: &str, extra: &[(&str, &str)]) -> Option<f64> {
    let mut labels = vec![("function", function), ("module", MODULE)];
    labels.extend_from_slice(extra);
    default_registry().get_sample_value(name, &labels)
}

#[timed(outcome)]
fn abort_timed(reason: &str) -> ! {
    panic!("{reason}")
}

#[counted_exceptions]
fn abort_counted(reason: &str) -> ! {
    panic!("{reason}")
}

#[instrumented]
fn abort_instrumented(reason: &str) -> ! {
    panic!("{reason}")
}

#[test]
fn a_panic_in_a_never_returning_function_is_recorded_as_panicked() {
    assert!(catch_unwind(|| abort_timed("one")).is_err());
    assert!(catch_unwind(|| abort_timed("two")).is_err());
    assert!(catch_unwind(|| abort_counted("one")).is_err());
    assert!(catch_unwind(|| abort_instrumented("one")).is_err());

    let count = "function_outcome_duration_seconds_count";
    assert_eq!(
        sample(count, "abort_timed", &[("outcome", "panicked")]),
        Some(2.0)
    );
    assert_eq!(
        sample(count, "abort_timed", &[("outcome", "ok")]),
        Some(0.0)
    );
    assert_eq!(
        sample(
            "function_errors_total",
            "abort_counted",
            &[("kind", "panic")]
        ),
        Some(1.0)
    );

    assert_eq!(
        sample("function_calls_total", "abort_instrumented", &[]),
        Some(1.0)
    );
    assert_eq!(
        sample("function_in_progress", "abort_instrumented", &[]),
        Some(0.0)
    );
    assert_eq!(
        sample(count, "abort_instrumented", &[("outcome", "panicked")]),
        Some(1.0)
    );
    assert_eq!(
        sample(
            "function_errors_total",
            "abort_instrumented",
            &[("kind", "panic")]
        ),
        Some(1.0)
    );
}
