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
pub use promenade_rules::str_eq;
