//! Helpers shared by the function-attribute tests (`timed`, `counted`,
//! `counted_exceptions`, `in_progress`, `instrumented`, `attr_async_trait`): driving a
//! future by hand, without an async runtime, and reading the shared `function_*` families
//! back from the default registry.
//!
//! Used as `mod support;` from each of those files; cargo does not build this directory
//! as a test of its own. Each test binary uses only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Wake, Waker};

use promenade::default_registry;
use promenade::registry::{MetricFamily, Sample};

/// A waker that does nothing (`Waker::noop` is newer than the MSRV).
pub fn noop_waker() -> &'static Waker {
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    static WAKER: LazyLock<Waker> = LazyLock::new(|| Waker::from(Arc::new(Noop)));
    &WAKER
}

/// Returns `Pending` once, then `Ready`.
pub struct YieldOnce(pub bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Polls `f` with the no-op waker until it is ready.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(noop_waker());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Polls `f` once with the no-op waker; whether it is still pending.
pub fn poll_once<F: Future + ?Sized>(f: Pin<&mut F>) -> bool {
    f.poll(&mut Context::from_waker(noop_waker())).is_pending()
}

/// The value of sample `name` of `function` in `module` (plus the `extra` labels) in the
/// default registry.
pub fn function_sample(
    name: &str,
    module: &str,
    function: &str,
    extra: &[(&str, &str)],
) -> Option<f64> {
    let mut labels = vec![("function", function), ("module", module)];
    labels.extend_from_slice(extra);
    default_registry().get_sample_value(name, &labels)
}

/// Every sample of `function` in `module` in the default registry's families whose name
/// `family` accepts, in exposition order.
pub fn function_samples(
    module: &str,
    function: &str,
    family: impl Fn(&str) -> bool,
) -> Vec<Sample> {
    default_registry()
        .gather()
        .into_iter()
        .filter(|f| family(&f.name))
        .flat_map(|f| f.samples)
        .filter(|s| {
            s.labels
                .contains(&("function".to_owned(), function.to_owned()))
        })
        .filter(|s| s.labels.contains(&("module".to_owned(), module.to_owned())))
        .collect()
}

/// The HELP text of family `name` among `families`.
pub fn help(families: &[MetricFamily], name: &str) -> Option<String> {
    families
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.help.clone().unwrap_or_default())
}
