//! `#[derive(LabelSet)]` on structs with named fields: parse (`ast`, `attr`) → validate
//! (`valid`) → expand (`expand`). Every mistake is collected. On error the impl is a stub
//! (so that one mistake gives one message), and the fields that validated are still
//! checked against their types, so one build shows every mistake.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let krate_path = attr::container(&mut cx, &input.attrs);
    let krate = crate::krate::path(krate_path.as_ref());
    let Some(s) = ast::Struct::from_input(&mut cx, input) else {
        // Not a struct with named fields: the stub is all there is.
        return cx.with_stub(expand::stub(input, &krate));
    };
    valid::check(&mut cx, &s);
    if cx.is_ok() {
        return expand::expand(&s, &krate);
    }
    cx.with_stub(expand::expand_sound_parts(&sound_fields(s), input, &krate))
}

/// The fields that are sound on their own: attributes read without error, and accepted by
/// `valid` alone (so `valid` stays the one place that knows what a field needs; a name
/// used twice is an error about two fields, reported by the full check, and leaves each
/// sound).
fn sound_fields(s: ast::Struct<'_>) -> ast::Struct<'_> {
    let fields = s
        .fields
        .iter()
        .filter(|f| {
            let mut scratch = Ctxt::new();
            let alone = ast::Struct {
                ident: s.ident,
                generics: s.generics,
                fields: vec![(*f).clone()],
            };
            valid::check(&mut scratch, &alone);
            f.sound && scratch.is_ok()
        })
        .cloned()
        .collect();
    ast::Struct { fields, ..s }
}
