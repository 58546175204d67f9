//! The path generated code uses to reach the runtime: `::promenade` unless the user says
//! `crate = path` (for a crate that re-exports promenade under another name). Every derive
//! and attribute parses `crate = "..."` here.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::{Attr, Ctxt};

/// The runtime's path: `::promenade`, or what `crate = "..."` said.
pub(crate) fn path(override_path: Option<&syn::Path>) -> TokenStream {
    match override_path {
        Some(p) => quote!(#p),
        None => quote!(::promenade),
    }
}

/// Parses the value of `crate = "..."` into `slot`.
pub(crate) fn parse(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Attr<syn::Path>,
) -> syn::Result<()> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    match lit.parse::<syn::Path>() {
        Ok(path) => slot.set(cx, &meta.path, path),
        Err(_) => cx.error_spanned_by(
            &lit,
            "`crate` must be a path to the promenade crate, like `crate = \"::my_crate::promenade\"`",
        ),
    }
    Ok(())
}
