//! Checks on the parsed enum: label values must be distinct after renaming.

use std::collections::HashMap;

use super::ast::Enum;
use crate::ctxt::Ctxt;

pub(crate) fn check(cx: &mut Ctxt, e: &Enum<'_>) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for v in &e.variants {
        if let Some(first) = seen.get(v.value.as_str()) {
            cx.error_spanned_by(
                v.ident,
                format!(
                    "variant `{}` has the label value \"{}\", which variant `{first}` already has; give one of them another value with `#[label(rename = \"...\")]`",
                    v.ident, v.value
                ),
            );
        } else {
            seen.insert(&v.value, v.ident);
        }
    }
}
