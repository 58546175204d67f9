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

/// The process-wide registry: every `#[derive(Metrics)]` struct (its `global()` instance,
/// unless it says `#[metrics(self_register = false)]`), every `#[timed]` function and the
/// other self-registering items join it the first time it is used, so a scrape shows every
/// declared series — at zero — from the start.
///
/// # Panics
///
/// When two self-registered items clash (two structs, in any crates of the program,
/// exposing the same sample name), no registration call is there to return the error to,
/// and leaving one out would lose its data without a word. So every call panics, naming
/// both definitions:
///
/// ```text
/// promenade: the default registry cannot hold every self-registered metric:
///   duplicate metric: `jobs_total` is exposed both by `jobs_total` (field `jobs_total` of
///   `app::a::JobMetrics`) and by `jobs_total` (field `jobs_total` of `app::b::JobMetrics`); …
/// ```
///
/// Rename one of them (`#[metrics(namespace = "...")]`, `#[metric(name = "...")]`), or
/// turn one struct's self-registration off and register it where it belongs. To get the
/// error as a value instead (to log it, or to serve what could be registered), call
/// [`try_default_registry`] first.
#[doc(alias = "REGISTRY")]
pub fn default_registry() -> &'static Registry {
    match try_default_registry() {
        Ok(registry) => registry,
        Err(_) => panic!("{}", clash_message(&built().errors)),
    }
}

/// The [default registry](default_registry), or the first error met while the
/// self-registered items joined it (every one is in [`default_registry_errors`]); where
/// `default_registry()` would panic, this returns the `Err`.
///
/// The registry is built once either way: after an `Err`, [`default_registry_errors`]
/// lists every error, and the registry holding what could be registered (for each clash,
/// the item registered first) is still reachable with
/// [`default_registry_unchecked`].
///
/// ```
/// let registry = promenade::try_default_registry()?;
/// let mut text = String::new();
/// promenade::encoding::text::encode(registry, &mut text);
/// # Ok::<(), promenade::Error>(())
/// ```
pub fn try_default_registry() -> Result<&'static Registry, Error> {
    let built = built();
    match built.errors.first() {
        None => Ok(&built.registry),
        Some(e) => Err(e.clone()),
    }
}

/// The default registry as it was built, even when some self-registered items could not
/// join it (then, of each clashing pair, the one registered first is in it; see
/// [`default_registry_errors`]). Never panics: for a program that chose to log the
/// errors of [`try_default_registry`] and serve what there is.
pub fn default_registry_unchecked() -> &'static Registry {
    &built().registry
}

/// The errors met while the default registry registered the self-registered items (empty
/// when [`default_registry`] does not panic). Never panics.
pub fn default_registry_errors() -> &'static [Error] {
    &built().errors
}

/// The registry with every self-registered item that could join it, and the errors of
/// those that could not.
struct Built {
    registry: Registry,
    errors: Vec<Error>,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let registry = Registry::new();
        #[cfg(feature = "multiprocess")]
        registry
            .is_default
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let errors = inventory::iter::<AutoRegistration>
            .into_iter()
            .filter_map(|item| (item.register)(&registry).err())
            .collect();
        Built { registry, errors }
    })
}

/// What `default_registry()` panics with: every error, each on its own line.
fn clash_message(errors: &[Error]) -> String {
    let mut m =
        String::from("promenade: the default registry cannot hold every self-registered metric:");
    for e in errors {
        m.push_str("\n  ");
        m.push_str(&e.to_string());
    }
    m.push_str(
        "\n(to handle this without a panic, call `promenade::try_default_registry()` before anything uses the default registry)",
    );
    m
}
