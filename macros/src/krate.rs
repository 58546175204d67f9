//! The path generated code uses to reach the runtime: `::promenade` unless the user says
//! `crate = path` (for a crate that re-exports promenade under another name). Every derive
//! and attribute reads `crate = "..."` with `ctxt::crate_value` (through `ctxt::parse_crate`
//! in the derives and `#[promenade::families]`), so the form and its message are one.

use proc_macro2::TokenStream;
use quote::quote;

/// The runtime's path: `::promenade`, or what `crate = "..."` said.
pub(crate) fn path(override_path: Option<&syn::Path>) -> TokenStream {
    match override_path {
        Some(p) => quote!(#p),
        None => quote!(::promenade),
    }
}
