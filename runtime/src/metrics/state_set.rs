use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use super::Metric;
use crate::labels::{LabelValue, LabelValueWriter};

/// What a [`StateSet`] or an [`Enum`] exposes: one sample per state, 1 when the state
/// holds and 0 otherwise. Encoders read it through this trait.
pub trait States: Send + Sync {
    /// How many states there are.
    fn state_count(&self) -> usize;
    /// Writes the name of state `index` (plain text; the encoders escape it).
    fn write_state(&self, index: usize, out: &mut LabelValueWriter<'_>);
    /// Whether state `index` holds.
    fn is_set(&self, index: usize) -> bool;
}

const fn finite<S: LabelValue>() -> usize {
    match S::CARDINALITY {
        Some(n) => n,
        None => panic!(
            "a StateSet or Enum needs a finite set of states: derive `LabelValue` on a \
             fieldless enum"
        ),
    }
}

/// See `metrics/cell.rs`: sequentially consistent only when a write may race the move
/// into multiprocess mode's file.
#[cfg(feature = "multiprocess")]
const OWN: std::sync::atomic::Ordering = std::sync::atomic::Ordering::SeqCst;
#[cfg(not(feature = "multiprocess"))]
const OWN: std::sync::atomic::Ordering = Relaxed;

/// A set of states over a [`LabelValue`] enum, each true or false independently
/// (OpenMetrics' `stateset`). The states are the enum's variants, so a typo is a compile
/// error; each is exposed as a series with a label named after the metric.
///
/// ```
/// use promenade::{LabelValue, StateSet};
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Feature { Search, Upload }
/// let features: StateSet<Feature> = StateSet::new();
/// features.set(Feature::Upload, true);
/// assert!(features.get(Feature::Upload) && !features.get(Feature::Search));
/// ```
///
/// Open label values (strings, most integers) are refused at compile time:
/// ```compile_fail
/// let states: promenade::StateSet<String> = promenade::StateSet::new();
/// ```
pub struct StateSet<S: LabelValue> {
    states: Box<[AtomicBool]>,
    /// Multiprocess mode: one 0/1 cell per state in this process' file, once bound.
    shared: crate::multiprocess::CellsPtr,
    _states: PhantomData<fn() -> S>,
}

impl<S: LabelValue> StateSet<S> {
    /// Every state false.
    pub fn new() -> Self {
        let n = const { finite::<S>() };
        StateSet {
            states: (0..n).map(|_| AtomicBool::new(false)).collect(),
            shared: crate::multiprocess::CellsPtr::new(),
            _states: PhantomData,
        }
    }

    /// Sets one state.
    pub fn set(&self, state: S, value: bool) {
        let i = state.index();
        if let Some(c) = self.shared.get() {
            c[i].store(u64::from(value), Relaxed);
            return;
        }
        self.states[i].store(value, OWN);
        #[cfg(feature = "multiprocess")]
        if let Some(c) = self.shared.get_seqcst() {
            c[i].store(u64::from(self.states[i].load(OWN)), Relaxed);
        }
    }

    /// Whether a state holds.
    pub fn get(&self, state: S) -> bool {
        self.is_set(state.index())
    }
}

impl<S: LabelValue> Default for StateSet<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: LabelValue> States for StateSet<S> {
    fn state_count(&self) -> usize {
        self.states.len()
    }
    fn write_state(&self, index: usize, out: &mut LabelValueWriter<'_>) {
        if let Some(s) = S::from_index(index) {
            s.encode(out);
        }
    }
    fn is_set(&self, index: usize) -> bool {
        match self.shared.get() {
            Some(c) => c[index].load(Relaxed) != 0,
            None => self.states[index].load(Relaxed),
        }
    }
}

impl<S: LabelValue> Metric for StateSet<S> {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Self::new()
    }
    /// Every state false.
    fn reset(&self) {
        match self.shared.get() {
            Some(c) => c.iter().for_each(|c| c.store(0, Relaxed)),
            None => self.states.iter().for_each(|s| s.store(false, Relaxed)),
        }
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        bind_states::<S>(family, labels, &self.shared, |i| self.states[i].load(OWN))
    }
}

/// Multiprocess mode: a series record with one 0/1 cell per state (the state names after
/// the label values), `shared` pointed at it, the current states copied in.
#[cfg(feature = "multiprocess")]
fn bind_states<S: LabelValue>(
    family: &crate::multiprocess::FamilyBinding,
    labels: &dyn crate::labels::EncodeLabels,
    shared: &crate::multiprocess::CellsPtr,
    own: impl Fn(usize) -> bool,
) -> Option<crate::multiprocess::SeriesCells> {
    use crate::multiprocess::{bind::Shape, format::ValueKind};
    let n = const { finite::<S>() };
    let names: Vec<String> = (0..n)
        .filter_map(S::from_index)
        .map(|s| crate::labels::value_string(&s))
        .collect();
    let shape = Shape {
        value_kind: ValueKind::Int,
        bounds: &[],
        extra: &names,
    };
    let cells = family.series(labels, shape, &vec![0; n])?;
    if shared.bind(cells.cells) {
        for (i, c) in cells.cells.iter().enumerate() {
            c.store(u64::from(own(i)), Relaxed);
        }
        // A write racing the bind re-checks and copies itself over (`set`).
    }
    Some(cells)
}

impl<S: LabelValue + fmt::Debug> fmt::Debug for StateSet<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: Vec<S> = (0..self.states.len())
            .filter(|i| self.is_set(*i))
            .filter_map(S::from_index)
            .collect();
        f.debug_tuple("StateSet").field(&set).finish()
    }
}

/// Exactly one state out of a [`LabelValue`] enum (the Python client's `Enum`), exposed
/// as a `stateset`: the current state's series is 1, the others 0. It starts in the
/// enum's first variant.
///
/// ```
/// use promenade::{Enum, LabelValue};
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Phase { Starting, Running, Stopping }
/// let phase: Enum<Phase> = Enum::new();
/// assert_eq!(phase.get(), Phase::Starting);
/// phase.set(Phase::Running);
/// assert_eq!(phase.get(), Phase::Running);
/// ```
///
/// ```compile_fail
/// let phase: promenade::Enum<u32> = promenade::Enum::new();
/// ```
pub struct Enum<S: LabelValue> {
    current: AtomicUsize,
    /// Multiprocess mode: one 0/1 cell per state in this process' file, once bound
    /// (written, never read: the process' own state stays in `current`).
    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    shared: crate::multiprocess::CellsPtr,
    _states: PhantomData<fn() -> S>,
}

impl<S: LabelValue> Enum<S> {
    /// In the first state.
    pub const fn new() -> Self {
        const { assert!(finite::<S>() > 0, "an Enum needs at least one state") };
        Enum {
            current: AtomicUsize::new(0),
            shared: crate::multiprocess::CellsPtr::new(),
            _states: PhantomData,
        }
    }

    /// Moves to `state`.
    pub fn set(&self, state: S) {
        let i = state.index();
        self.current.store(i, OWN);
        #[cfg(feature = "multiprocess")]
        if let Some(c) = self.shared.get_seqcst() {
            // The new state first, so a reader never sees none set.
            c[i].store(1, Relaxed);
            for (j, c) in c.iter().enumerate() {
                if j != i {
                    c.store(0, Relaxed);
                }
            }
        }
    }

    /// The current state.
    pub fn get(&self) -> S {
        let i = self.current.load(Relaxed);
        match S::from_index(i) {
            Some(s) => s,
            // `current` only ever holds indices of `S`, and index 0 exists.
            None => S::from_index(0).unwrap_or_else(|| unreachable!()),
        }
    }
}

impl<S: LabelValue> Default for Enum<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: LabelValue> States for Enum<S> {
    fn state_count(&self) -> usize {
        const { finite::<S>() }
    }
    fn write_state(&self, index: usize, out: &mut LabelValueWriter<'_>) {
        if let Some(s) = S::from_index(index) {
            s.encode(out);
        }
    }
    fn is_set(&self, index: usize) -> bool {
        self.current.load(Relaxed) == index
    }
}

impl<S: LabelValue> Metric for Enum<S> {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Self::new()
    }
    /// Back to the first state.
    fn reset(&self) {
        if let Some(s) = S::from_index(0) {
            self.set(s);
        }
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        bind_states::<S>(family, labels, &self.shared, |i| {
            self.current.load(OWN) == i
        })
    }
}

impl<S: LabelValue + fmt::Debug> fmt::Debug for Enum<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Enum").field(&self.get()).finish()
    }
}
