//! Function shapes under the attributes that wrap the body (`#[timed(outcome)]`,
//! `#[counted_exceptions]`, `#[instrumented]`): `impl Trait` returns, trait default
//! methods, `self: Box<Self>`, and generics with lifetimes and where clauses. Each
//! records exactly once per call.

use std::fmt::Display;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use promenade::{counted_exceptions, default_registry, instrumented, timed, LabelValue};

const MODULE: &str = "attr_shapes";

fn sample(name: &str, function: &str, extra: &[(&str, &str)]) -> Option<f64> {
    let mut labels = vec![("function", function), ("module", MODULE)];
    labels.extend_from_slice(extra);
    default_registry().get_sample_value(name, &labels)
}

fn outcome(function: &str, outcome: &str) -> Option<f64> {
    sample(
        "function_outcome_duration_seconds_count",
        function,
        &[("outcome", outcome)],
    )
}

fn errors(function: &str, kind: &str) -> Option<f64> {
    sample("function_errors_total", function, &[("kind", kind)])
}

fn calls(function: &str) -> Option<f64> {
    sample("function_calls_total", function, &[])
}

fn block_on<F: Future>(f: F) -> F::Output {
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(rename_all = "snake_case")]
enum ShapeError {
    Empty,
}

struct Bag {
    items: Vec<u32>,
}

impl Bag {
    #[timed(outcome)]
    fn timed_iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.items.iter().copied()
    }

    #[counted_exceptions]
    fn checked_iter(&self) -> Result<impl Iterator<Item = u32> + '_, ShapeError> {
        if self.items.is_empty() {
            return Err(ShapeError::Empty);
        }
        Ok(self.items.iter().copied())
    }

    #[instrumented]
    fn instrumented_iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.items.iter().rev().copied()
    }

    // The receiver shape is what is under test.
    #[allow(clippy::boxed_local)]
    #[instrumented]
    fn into_total(self: Box<Self>) -> Result<u32, ShapeError> {
        match self.items.is_empty() {
            true => Err(ShapeError::Empty),
            false => Ok(self.items.iter().sum()),
        }
    }

    #[allow(clippy::boxed_local)]
    #[timed(outcome)]
    fn boxed_len(self: Box<Self>) -> usize {
        self.items.len()
    }
}

#[test]
fn impl_iterator_returns() {
    let bag = Bag {
        items: vec![1, 2, 3],
    };
    let empty = Bag { items: vec![] };
    assert_eq!(bag.timed_iter().sum::<u32>(), 6);
    assert_eq!(bag.checked_iter().map(|i| i.count()), Ok(3));
    assert!(empty.checked_iter().is_err());
    assert_eq!(bag.instrumented_iter().collect::<Vec<_>>(), [3, 2, 1]);

    assert_eq!(outcome("timed_iter", "ok"), Some(1.0));
    assert_eq!(outcome("timed_iter", "error"), Some(0.0));
    assert_eq!(errors("checked_iter", "empty"), Some(1.0));
    assert_eq!(errors("checked_iter", "panic"), Some(0.0));
    assert_eq!(calls("instrumented_iter"), Some(1.0));
    assert_eq!(outcome("instrumented_iter", "ok"), Some(1.0));
}

#[timed(outcome)]
fn later(n: u32) -> impl Future<Output = u32> {
    async move { n + 1 }
}

#[instrumented]
fn later_checked(n: u32) -> impl Future<Output = Result<u32, ShapeError>> {
    async move {
        match n {
            0 => Err(ShapeError::Empty),
            n => Ok(n),
        }
    }
}

#[test]
fn impl_future_returns_record_the_call_that_builds_the_future() {
    // The function is sync: what is measured is building the future, which never fails.
    let f = later(1);
    assert_eq!(outcome("later", "ok"), Some(1.0));
    assert_eq!(block_on(f), 2);
    assert_eq!(outcome("later", "ok"), Some(1.0));
    assert_eq!(outcome("later", "cancelled"), None);

    assert_eq!(block_on(later_checked(0)), Err(ShapeError::Empty));
    assert_eq!(block_on(later_checked(4)), Ok(4));
    assert_eq!(calls("later_checked"), Some(2.0));
    assert_eq!(outcome("later_checked", "ok"), Some(2.0));
    assert_eq!(errors("later_checked", "empty"), None);
}

trait Store {
    fn raw(&self, key: &str) -> Option<u32>;

    #[instrumented]
    fn fetch(&self, key: &str) -> Result<u32, ShapeError> {
        self.raw(key).ok_or(ShapeError::Empty)
    }

    #[timed(outcome)]
    fn fetch_or_zero(&self, key: &str) -> u32 {
        self.raw(key).unwrap_or(0)
    }

    #[counted_exceptions]
    async fn fetch_later(&self, key: &str) -> Result<u32, ShapeError> {
        self.raw(key).ok_or(ShapeError::Empty)
    }
}

struct One;

impl Store for One {
    fn raw(&self, key: &str) -> Option<u32> {
        (key == "one").then_some(1)
    }
}

#[test]
fn trait_default_methods() {
    assert_eq!(One.fetch("one"), Ok(1));
    assert_eq!(One.fetch("two"), Err(ShapeError::Empty));
    assert_eq!(One.fetch_or_zero("two"), 0);
    assert_eq!(block_on(One.fetch_later("two")), Err(ShapeError::Empty));
    assert_eq!(block_on(One.fetch_later("one")), Ok(1));

    assert_eq!(calls("fetch"), Some(2.0));
    assert_eq!(outcome("fetch", "ok"), Some(1.0));
    assert_eq!(outcome("fetch", "error"), Some(1.0));
    assert_eq!(errors("fetch", "empty"), Some(1.0));
    assert_eq!(outcome("fetch_or_zero", "ok"), Some(1.0));
    assert_eq!(errors("fetch_later", "empty"), Some(1.0));
    assert_eq!(errors("fetch_later", "panic"), Some(0.0));
}

#[test]
fn self_box() {
    let full = Box::new(Bag { items: vec![2, 5] });
    let empty = Box::new(Bag { items: vec![] });
    assert_eq!(full.into_total(), Ok(7));
    assert_eq!(empty.into_total(), Err(ShapeError::Empty));
    assert_eq!(Box::new(Bag { items: vec![9] }).boxed_len(), 1);

    assert_eq!(calls("into_total"), Some(2.0));
    assert_eq!(outcome("into_total", "ok"), Some(1.0));
    assert_eq!(outcome("into_total", "error"), Some(1.0));
    assert_eq!(errors("into_total", "empty"), Some(1.0));
    assert_eq!(outcome("boxed_len", "ok"), Some(1.0));
}

#[timed(outcome)]
fn longest<'a, 'b: 'a, T>(a: &'a [T], b: &'b [T]) -> &'a [T]
where
    T: Display + 'a,
{
    if a.len() >= b.len() {
        a
    } else {
        b
    }
}

#[counted_exceptions]
fn first_shown<'a, T, E>(items: &'a [T], fallback: &'a [T], empty: E) -> Result<&'a T, E>
where
    T: Display,
    E: LabelValue,
{
    items.first().or(fallback.first()).ok_or(empty)
}

#[instrumented]
fn pick<'s, K: AsRef<str> + ?Sized>(key: &K, from: &'s [&'s str]) -> Result<&'s str, ShapeError>
where
    's: 's,
{
    from.iter()
        .copied()
        .find(|s| *s == key.as_ref())
        .ok_or(ShapeError::Empty)
}

#[test]
fn generics_with_lifetimes_and_where_clauses() {
    assert_eq!(longest(&[1, 2], &[3]), [1, 2]);
    assert_eq!(longest(&["a"], &["b", "c"]), ["b", "c"]);
    assert_eq!(first_shown(&[7, 8], &[9], ShapeError::Empty), Ok(&7));
    assert_eq!(first_shown(&[], &[9], ShapeError::Empty), Ok(&9));
    assert_eq!(
        first_shown::<u8, _>(&[], &[], ShapeError::Empty),
        Err(ShapeError::Empty)
    );
    let words = ["x", "y"];
    assert_eq!(pick("y", &words), Ok("y"));
    assert_eq!(pick(&String::from("z"), &words), Err(ShapeError::Empty));

    assert_eq!(outcome("longest", "ok"), Some(2.0));
    assert_eq!(errors("first_shown", "empty"), Some(1.0));
    assert_eq!(calls("pick"), Some(2.0));
    assert_eq!(outcome("pick", "ok"), Some(1.0));
    assert_eq!(outcome("pick", "error"), Some(1.0));
    assert_eq!(errors("pick", "empty"), Some(1.0));
}
