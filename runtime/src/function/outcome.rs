//! [`Outcome`]: how a call ended, the `outcome` label of `#[timed(outcome)]` and
//! `#[instrumented]`.

use crate::labels::{LabelSet, LabelWriter};

/// How a call ended, as `#[timed(outcome)]` and `#[instrumented]` label its duration.
///
/// It is a [`LabelValue`](crate::labels::LabelValue) (`ok`, `error`, `panicked`, `cancelled`) and also a [`LabelSet`]
/// of one label named `outcome`, so a `Family<Outcome, Histogram>` (a field of a
/// `#[derive(Metrics)]` struct, say) can take a function's durations with
/// `#[timed(outcome, metric = ...)]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, crate::LabelValue)]
#[label(crate = "crate")]
pub enum Outcome {
    /// The function returned, and not a `Result::Err`.
    Ok,
    /// The function returned a `Result::Err`.
    Error,
    /// The function panicked (the duration is recorded while unwinding).
    Panicked,
    /// An `async fn`'s future was dropped before it completed.
    Cancelled,
}

impl Outcome {
    /// Every outcome, in index order.
    pub const ALL: [Outcome; 4] = [
        Outcome::Ok,
        Outcome::Error,
        Outcome::Panicked,
        Outcome::Cancelled,
    ];

    /// The label value: `ok`, `error`, `panicked` or `cancelled`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Panicked => "panicked",
            Outcome::Cancelled => "cancelled",
        }
    }
}

// By hand: `#[derive(LabelSet)]` takes structs, and `Outcome` is an enum that is its own
// one-label set.
impl LabelSet for Outcome {
    const NAMES: &'static [&'static str] = &["outcome"];
    const CARDINALITY: Option<usize> = Some(4);
    fn index(&self) -> usize {
        *self as usize
    }
    fn from_index(index: usize) -> Option<Self> {
        Outcome::ALL.get(index).copied()
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("outcome", self);
    }
}
