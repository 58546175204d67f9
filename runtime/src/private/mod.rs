//! Everything generated code touches. Not public API: names and signatures here change
//! with the macros, which are pinned to this exact crate version.

mod derive;
mod instrument;

pub use derive::*;
pub use instrument::*;

pub use ::core;
pub use ::inventory;

pub use crate::labels::{cardinality_add, cardinality_mul};
pub use crate::registry::AutoRegistration;

/// String equality usable in const context (for checks the macros generate).
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
