//! Without the `multiprocess` feature a metric is never bound: these are the same types as
//! in `map.rs`, empty, so that a metric's hot path compiles to its local atomic alone.

use std::sync::atomic::AtomicU64;

#[derive(Debug)]
pub(crate) struct CellPtr<const N: usize>;

impl<const N: usize> CellPtr<N> {
    pub(crate) const fn new() -> Self {
        CellPtr
    }
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<(&'static [AtomicU64; N], bool)> {
        None
    }
}

#[derive(Debug)]
pub(crate) struct CellsPtr;

impl CellsPtr {
    pub(crate) const fn new() -> Self {
        CellsPtr
    }
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&'static [AtomicU64]> {
        None
    }
}
