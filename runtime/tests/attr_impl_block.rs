//! `#[timed]` and `#[counted]` on an impl block: every method instrumented, `skip` opts
//! one out, a method's own attribute wins.

use promenade::{counted, default_registry, timed};

const MODULE: &str = "attr_impl_block";

fn count(function: &str) -> Option<f64> {
    default_registry().get_sample_value(
        "function_duration_seconds_count",
        &[("function", function), ("module", MODULE)],
    )
}

fn calls(function: &str) -> Option<f64> {
    default_registry().get_sample_value(
        "function_calls_total",
        &[("function", function), ("module", MODULE)],
    )
}

struct Service {
    hits: u32,
}

#[timed]
#[counted]
impl Service {
    fn new() -> Self {
        Service { hits: 0 }
    }

    fn hit(&mut self) -> u32 {
        self.hits += 1;
        self.hits
    }

    fn hits_ref(&self) -> &u32 {
        &self.hits
    }

    fn hits_mut(&mut self) -> &mut u32 {
        &mut self.hits
    }

    async fn later(&self) -> u32 {
        self.hits
    }

    #[timed(skip)]
    fn untimed(&self) -> u32 {
        self.hits
    }

    #[counted(skip)]
    #[timed(skip)]
    fn invisible(&self) {}

    /// Time to rebuild.
    #[timed(name = "attr_impl_block_rebuild_seconds")]
    fn rebuild(&mut self) {
        self.hits = 0;
    }

    const LIMIT: u32 = 3;
}

#[test]
fn every_method_is_instrumented_unless_skipped() {
    let mut s = Service::new();
    s.hit();
    s.hit();
    *s.hits_mut() += 1;
    assert_eq!(*s.hits_ref(), 3);
    assert_eq!(s.untimed(), Service::LIMIT);
    s.invisible();
    drop(s.later()); // never polled: neither timed nor counted
    s.rebuild();

    assert_eq!(count("new"), Some(1.0));
    assert_eq!(count("hit"), Some(2.0));
    assert_eq!(count("hits_mut"), Some(1.0));
    assert_eq!(count("hits_ref"), Some(1.0));
    assert_eq!(count("later"), Some(0.0));
    assert_eq!(count("untimed"), None, "skipped by timed");
    assert_eq!(calls("untimed"), Some(1.0), "still counted");
    assert_eq!(count("invisible"), None);
    assert_eq!(calls("invisible"), None);
    assert_eq!(count("rebuild"), None, "its own attribute wins");
    assert_eq!(calls("rebuild"), Some(1.0));
    assert_eq!(
        default_registry().get_sample_value("attr_impl_block_rebuild_seconds_count", &[]),
        Some(1.0)
    );
}
