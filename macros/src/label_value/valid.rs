//! Checks on the parsed enum: label values must be non-empty and distinct after renaming.

use std::collections::HashMap;

use super::ast::Enum;
use crate::ctxt::Ctxt;

pub(crate) fn check(cx: &mut Ctxt, e: &Enum<'_>) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for v in &e.variants {
        // Prometheus reads `label=""` as the label being absent, so the series would not
        // say which variant it counts.
        if v.value.is_empty() {
            match &v.rename {
                Some(lit) => cx.error_spanned_by(
                    lit,
                    format!(
                        "variant `{}` is renamed to an empty label value, which Prometheus reads as the label being absent; give it a non-empty value with `#[label(rename = \"...\")]`",
                        v.ident
                    ),
                ),
                None => cx.error_spanned_by(
                    v.ident,
                    format!(
                        "`rename_all` spells variant `{}` as an empty label value (it has no letters or digits), which Prometheus reads as the label being absent; give it a value with `#[label(rename = \"...\")]`",
                        v.ident
                    ),
                ),
            }
            continue;
        }
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
