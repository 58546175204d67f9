//! Where a metric's numbers live: in its own atomics, or — once bound in multiprocess
//! mode — in cells of this process' mapped file (see `multiprocess/bind.rs` for why no
//! write racing the move is lost). Without the `multiprocess` feature the cell pointers
//! are empty types and every operation is the plain relaxed atomic it always was.

use std::sync::atomic::AtomicU64;
#[cfg(feature = "multiprocess")]
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::Ordering::{self, Relaxed};

use super::atomic_f64_add;
use crate::multiprocess::{CellPtr, CellsPtr};

/// The ordering of a write to a metric's own atomic: relaxed, unless it may race a move
/// into the file (multiprocess mode), whose protocol needs a single order.
#[cfg(feature = "multiprocess")]
const OWN: Ordering = SeqCst;
#[cfg(not(feature = "multiprocess"))]
const OWN: Ordering = Relaxed;

/// One number, or `N` cells once bound. `Value<1>` is a total (a counter: a write racing
/// the move is moved over by adding); `Value<2>` a level (a gauge, which keeps its write
/// time in the second cell: a racing write is copied over).
pub(crate) struct Value<const N: usize> {
    own: AtomicU64,
    shared: CellPtr<N>,
}

impl<const N: usize> std::fmt::Debug for Value<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.load().fmt(f)
    }
}

impl<const N: usize> Default for Value<N> {
    fn default() -> Self {
        Value::new(0)
    }
}

impl<const N: usize> Value<N> {
    pub(crate) const fn new(bits: u64) -> Self {
        Value {
            own: AtomicU64::new(bits),
            shared: CellPtr::new(),
        }
    }

    /// Adds to an integer (wrapping: an `i64` as its bits adds the same way).
    #[inline]
    pub(crate) fn add(&self, v: u64) {
        if let Some((c, _)) = self.shared.get() {
            c[0].fetch_add(v, Relaxed);
            self.stamp(c);
            return;
        }
        self.own.fetch_add(v, OWN);
        self.recheck(false);
    }

    /// Adds to an `f64` kept as bits.
    #[inline]
    pub(crate) fn add_f64(&self, v: f64) {
        if let Some((c, _)) = self.shared.get() {
            atomic_f64_add(&c[0], v);
            self.stamp(c);
            return;
        }
        super::atomic_f64_add_ordered(&self.own, v, OWN);
        self.recheck(true);
    }

    /// Replaces the value.
    #[inline]
    pub(crate) fn store(&self, bits: u64) {
        if let Some((c, _)) = self.shared.get() {
            c[0].store(bits, Relaxed);
            self.stamp(c);
            return;
        }
        self.own.store(bits, OWN);
        self.recheck(false);
    }

    /// The current value's bits.
    #[inline]
    pub(crate) fn load(&self) -> u64 {
        match self.shared.get() {
            Some((c, _)) => c[0].load(Relaxed),
            None => self.own.load(Relaxed),
        }
    }

    #[inline(always)]
    fn stamp(&self, _c: &[AtomicU64; N]) {
        #[cfg(feature = "multiprocess")]
        if N > 1 {
            if let Some((c, true)) = self.shared.get() {
                c[N - 1].store(crate::multiprocess::bind::now_nanos(), Relaxed);
            }
        }
    }

    /// A write that found no cell re-checks, and carries its own value over if the cell
    /// appeared meanwhile: a total by adding it (`float`: as `f64` bits), a level by copying.
    #[inline(always)]
    fn recheck(&self, _float: bool) {
        #[cfg(feature = "multiprocess")]
        if let Some((c, _)) = self.shared.get_seqcst() {
            if N > 1 {
                c[0].store(self.own.load(SeqCst), Relaxed);
            } else if _float {
                crate::multiprocess::bind::move_in_f64(&self.own, &c[0]);
            } else {
                crate::multiprocess::bind::move_in(&self.own, &c[0]);
            }
        }
    }

    /// Multiprocess mode: a series record of `family` for `labels` (`N` cells holding
    /// numbers of `kind`), and the value moved into it. A gauge (`N` = 2) whose mode keeps
    /// write times stamps each write.
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind_series(
        &self,
        kind: crate::multiprocess::format::ValueKind,
        family: &crate::multiprocess::FamilyBinding,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        use crate::multiprocess::{bind::Shape, format::ValueKind};
        let shape = Shape {
            value_kind: kind,
            bounds: &[],
            extra: &[],
        };
        let cells = family.series(labels, shape, &[0; N])?;
        let stamp = N > 1 && family.mode().keeps_write_time();
        self.bind(cells.cells, kind == ValueKind::Float, stamp);
        Some(cells)
    }

    /// Points the value at `cells` (the cells of its series record, `N` of them), moving
    /// in what it holds (a total by adding, a level by copying). `float`: the value is
    /// `f64` bits. `stamp`: writes record their time in the last cell.
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind(&self, cells: &'static [AtomicU64], float: bool, stamp: bool) -> bool {
        let total = N == 1;
        let Ok(cells) = <&'static [AtomicU64; N]>::try_from(cells) else {
            return false;
        };
        if !self.shared.bind(cells, stamp) {
            return false;
        }
        match (total, float) {
            (true, false) => crate::multiprocess::bind::move_in(&self.own, &cells[0]),
            (true, true) => crate::multiprocess::bind::move_in_f64(&self.own, &cells[0]),
            (false, _) => cells[0].store(self.own.load(SeqCst), Relaxed),
        }
        if stamp {
            cells[N - 1].store(crate::multiprocess::bind::now_nanos(), Relaxed);
        }
        true
    }
}

/// Many counts and an `f64` sum (a histogram's buckets and sum, a summary's count and sum),
/// in its own atomics or, once bound, in `counts.len() + 1` cells of the file.
pub(crate) struct Counts {
    counts: Box<[AtomicU64]>,
    sum: AtomicU64,
    shared: CellsPtr,
}

impl std::fmt::Debug for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counts")
            .field("sum", &self.sum())
            .finish_non_exhaustive()
    }
}

impl Counts {
    pub(crate) fn new(n: usize) -> Self {
        Counts {
            counts: (0..n).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0f64.to_bits()),
            shared: CellsPtr::new(),
        }
    }

    /// How many counts.
    pub(crate) fn len(&self) -> usize {
        self.counts.len()
    }

    /// Adds one to count `i` and `v` to the sum.
    #[inline]
    pub(crate) fn record(&self, i: usize, v: f64) {
        self.record_n(i, 1, v)
    }

    /// Adds `n` to count `i` and `v` to the sum.
    #[inline]
    pub(crate) fn record_n(&self, i: usize, n: u64, v: f64) {
        if let Some(c) = self.shared.get() {
            c[i].fetch_add(n, Relaxed);
            atomic_f64_add(&c[self.counts.len()], v);
            return;
        }
        self.counts[i].fetch_add(n, OWN);
        super::atomic_f64_add_ordered(&self.sum, v, OWN);
        #[cfg(feature = "multiprocess")]
        if let Some(c) = self.shared.get_seqcst() {
            self.move_own(c);
        }
    }

    /// Count `i`.
    #[inline]
    pub(crate) fn count(&self, i: usize) -> u64 {
        match self.shared.get() {
            Some(c) => c[i].load(Relaxed),
            None => self.counts[i].load(Relaxed),
        }
    }

    /// The sum.
    #[inline]
    pub(crate) fn sum(&self) -> f64 {
        f64::from_bits(match self.shared.get() {
            Some(c) => c[self.counts.len()].load(Relaxed),
            None => self.sum.load(Relaxed),
        })
    }

    /// Everything back to zero.
    pub(crate) fn reset(&self) {
        match self.shared.get() {
            Some(c) => c.iter().enumerate().for_each(|(i, c)| {
                c.store(
                    if i == self.counts.len() {
                        0f64.to_bits()
                    } else {
                        0
                    },
                    Relaxed,
                )
            }),
            None => {
                self.counts.iter().for_each(|c| c.store(0, Relaxed));
                self.sum.store(0f64.to_bits(), Relaxed);
            }
        }
    }

    #[cfg(feature = "multiprocess")]
    fn move_own(&self, c: &[AtomicU64]) {
        for (own, cell) in self.counts.iter().zip(c) {
            crate::multiprocess::bind::move_in(own, cell);
        }
        crate::multiprocess::bind::move_in_f64(&self.sum, &c[self.counts.len()]);
    }

    /// The initial cells of a series record: all zero (the sum `0.0`).
    #[cfg(feature = "multiprocess")]
    pub(crate) fn zero_cells(&self) -> Vec<u64> {
        let mut v = vec![0; self.counts.len()];
        v.push(0f64.to_bits());
        v
    }

    #[cfg(feature = "multiprocess")]
    /// Multiprocess mode: a series record of `family` for `labels` with these counts and
    /// the sum as cells (`bounds`: a histogram's), and the counts moved into it; `true`
    /// in the second place when this call bound them.
    pub(crate) fn bind_series(
        &self,
        bounds: &[f64],
        family: &crate::multiprocess::FamilyBinding,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<(crate::multiprocess::SeriesCells, bool)> {
        use crate::multiprocess::{bind::Shape, format::ValueKind};
        let shape = Shape {
            value_kind: ValueKind::Int,
            bounds,
            extra: &[],
        };
        let cells = family.series(labels, shape, &self.zero_cells())?;
        let bound = self.bind(cells.cells);
        Some((cells, bound))
    }

    /// Points the counts at `cells` (`len() + 1` of them), moving in what they hold.
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind(&self, cells: &'static [AtomicU64]) -> bool {
        if cells.len() != self.counts.len() + 1 || !self.shared.bind(cells) {
            return false;
        }
        self.move_own(cells);
        true
    }
}
