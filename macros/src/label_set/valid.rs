//! Checks on the parsed struct: label names follow the Prometheus grammar (no `__` prefix)
//! and are distinct. `le` and `quantile` are fine here: only histograms and summaries
//! reserve them, and the `Metrics` derive checks that where the metric type is known.
//! What needs the field types (an open label without a limit, a name repeated through a
//! flattened set) is checked at const time by the expansion.

use std::collections::HashMap;

use super::ast::Struct;
use crate::ctxt::Ctxt;
use crate::names::{label_name_error, unraw, InvalidName};

/// Checks the struct, reporting every mistake to `cx`, and says which fields are sound:
/// read without error and with no mistake of their own (`sound[i]` for `s.fields[i]`). A
/// name used by two fields is a mistake of the pair and leaves each field sound.
pub(crate) fn check(cx: &mut Ctxt, s: &Struct<'_>) -> Vec<bool> {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    let mut sound = Vec::with_capacity(s.fields.len());
    for f in &s.fields {
        let Some((name, name_span)) = f.label_name() else {
            sound.push(f.sound);
            continue;
        };
        let error = if f.utf8() {
            promenade_rules::names::utf8_label_name_error(name)
        } else {
            label_name_error(name)
        };
        let utf8_fits = !f.utf8() && promenade_rules::names::utf8_label_name_error(name).is_none();
        sound.push(f.sound && error.is_none());
        if let Some(reason) = error {
            // A field's own name is fixed with `rename`; a `rename` by another name.
            let message = if name.is_empty() {
                format!("{reason}; write a name in `rename = \"...\"`, or remove `rename` to use the field's name `{}`", f.member)
            } else if *name != unraw(f.member) && utf8_fits {
                format!(
                    "{}; choose another name in `rename = \"...\"`, or mark it a UTF-8 name: `#[label(rename = \"...\", utf8)]`",
                    InvalidName::label(name, reason)
                )
            } else if *name != unraw(f.member) {
                format!(
                    "{}; choose another name in `rename = \"...\"`",
                    InvalidName::label(name, reason)
                )
            } else {
                format!(
                    "{}; rename it with `#[label(rename = \"...\")]`",
                    InvalidName::label(name, reason)
                )
            };
            cx.syn_error(syn::Error::new(name_span, message));
        }
        if let Some(first) = seen.get(name) {
            cx.syn_error(syn::Error::new(
                name_span,
                format!(
                    "label name `{}` is used twice (fields `{first}` and `{}`); give one of them another name with `#[label(rename = \"...\")]`",
                    name, f.member
                ),
            ));
        } else {
            seen.insert(name, f.member);
        }
    }
    sound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &syn::DeriveInput) -> (Vec<String>, Vec<bool>) {
        let mut cx = Ctxt::new();
        let s = Struct::from_input(&mut cx, input).expect("a struct with named fields");
        let sound = check(&mut cx, &s);
        let messages = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (messages, sound)
    }

    #[test]
    fn a_field_with_an_invalid_name_is_unsound_and_a_repeated_name_leaves_each_sound() {
        let (messages, sound) = run(&syn::parse_quote! {
            struct Request {
                #[label(rename = "__kind")]
                kind: bool,
                cached: bool,
                #[label(rename = "cached")]
                hit: bool,
                #[label(flatten)]
                route: Route,
                #[label(limit = "ten")]
                path: String,
            }
        });
        assert_eq!(
            messages,
            [
                "`limit` takes the most values this label may take, like `limit = 100` (or a `usize` constant)",
                "invalid label name \"__kind\": label names starting with `__` are reserved for Prometheus' own use; choose another name in `rename = \"...\"`",
                "label name `cached` is used twice (fields `cached` and `hit`); give one of them another name with `#[label(rename = \"...\")]`",
            ]
        );
        assert_eq!(sound, [false, true, true, true, false]);
    }
}
