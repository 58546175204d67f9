//! The default registry, filled through `inventory` by everything that registers itself.

use std::sync::OnceLock;

use super::Registry;
use crate::Error;

/// A static that joins the default registry by itself. The derives and attribute macros
/// submit one of these per struct or function through `inventory`; you never write one.
#[doc(hidden)]
pub struct AutoRegistration {
    /// Registers the item.
    pub register: fn(&Registry) -> Result<(), Error>,
}

inventory::collect!(AutoRegistration);

/// The process-wide registry: every `#[derive(Metrics)]` struct (its `global()` instance)
/// and every `#[timed]` function joins it the first time it is used, so a scrape shows
/// every declared series — at zero — from the start.
///
/// A clash between two self-registered items (two structs exposing the same name) cannot
/// be returned to anyone: the first one wins, the second is left out, and the error is
/// printed to stderr once and kept in [`default_registry_errors`].
pub fn default_registry() -> &'static Registry {
    state().0.get_or_init(|| {
        let registry = Registry::new();
        let mut errors = Vec::new();
        for item in inventory::iter::<AutoRegistration> {
            if let Err(e) = (item.register)(&registry) {
                eprintln!("promenade: a self-registered metric was left out: {e}");
                errors.push(e);
            }
        }
        let _ = state().1.set(errors);
        registry
    })
}

/// The errors met while the default registry registered the self-registered items.
pub fn default_registry_errors() -> &'static [Error] {
    default_registry();
    state().1.get().map(Vec::as_slice).unwrap_or(&[])
}

#[allow(clippy::type_complexity)]
fn state() -> &'static (OnceLock<Registry>, OnceLock<Vec<Error>>) {
    static STATE: (OnceLock<Registry>, OnceLock<Vec<Error>>) = (OnceLock::new(), OnceLock::new());
    &STATE
}
