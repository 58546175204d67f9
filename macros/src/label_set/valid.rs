//! Checks on the parsed struct: label names follow the Prometheus grammar and are distinct.
//! `le` and `quantile` are fine here: only histograms and summaries reserve them, and the
//! `Metrics` derive checks that where the metric type is known.

use std::collections::HashMap;

use super::ast::Struct;
use crate::ctxt::Ctxt;
use crate::names::label_name_error;

pub(crate) fn check(cx: &mut Ctxt, s: &Struct<'_>) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for f in &s.fields {
        if let Some(reason) = label_name_error(&f.name) {
            cx.syn_error(syn::Error::new(
                f.name_span,
                format!(
                    "invalid label name `{}`: {reason}; rename it with `#[label(rename = \"...\")]`",
                    f.name
                ),
            ));
        }
        if let Some(first) = seen.get(f.name.as_str()) {
            cx.syn_error(syn::Error::new(
                f.name_span,
                format!(
                    "label name `{}` is used twice (fields `{first}` and `{}`); give one of them another name with `#[label(rename = \"...\")]`",
                    f.name, f.member
                ),
            ));
        } else {
            seen.insert(&f.name, f.member);
        }
    }
}
