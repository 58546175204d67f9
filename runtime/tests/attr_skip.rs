//! A bare `#[skip]` on a method of an instrumented impl block leaves it alone under every
//! function attribute on the block, in whichever order they run; `#[timed(skip)]` skips
//! one attribute only.

use promenade::{counted, default_registry, instrumented, timed};

const MODULE: &str = "attr_skip";

fn sample(name: &str, function: &str) -> Option<f64> {
    default_registry().get_sample_value(name, &[("function", function), ("module", MODULE)])
}

fn timed_count(function: &str) -> Option<f64> {
    sample("function_duration_seconds_count", function)
}

fn calls(function: &str) -> Option<f64> {
    sample("function_calls_total", function)
}

struct Cache {
    entries: u32,
}

#[timed]
#[counted]
impl Cache {
    fn insert(&mut self) -> u32 {
        self.entries += 1;
        self.entries
    }

    #[skip]
    fn len(&self) -> u32 {
        self.entries
    }

    #[timed(skip)]
    fn capacity(&self) -> u32 {
        64
    }
}

struct Pool;

#[instrumented]
impl Pool {
    fn acquire(&self) -> Result<u8, std::fmt::Error> {
        Ok(1)
    }

    #[skip]
    fn size(&self) -> usize {
        1
    }
}

#[test]
fn a_bare_skip_leaves_the_method_alone_under_every_attribute() {
    let mut cache = Cache { entries: 0 };
    assert_eq!(cache.insert(), 1);
    assert_eq!(cache.insert(), 2);
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.capacity(), 64);

    assert_eq!(timed_count("insert"), Some(2.0));
    assert_eq!(calls("insert"), Some(2.0));
    assert_eq!(timed_count("len"), None);
    assert_eq!(calls("len"), None);
    // `#[timed(skip)]` opts out of `#[timed]` only.
    assert_eq!(timed_count("capacity"), None);
    assert_eq!(calls("capacity"), Some(1.0));

    let pool = Pool;
    assert_eq!(pool.acquire(), Ok(1));
    assert_eq!(pool.size(), 1);
    assert_eq!(calls("acquire"), Some(1.0));
    assert_eq!(calls("size"), None);
    assert_eq!(sample("function_in_progress", "size"), None);
}
