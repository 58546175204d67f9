//! `#[derive(LabelSet)]` on structs with named fields: parse (`ast`, `attr`) → validate
//! (`valid`) → expand (`expand`). Every mistake is collected. On error the impl is a stub
//! (so that one mistake gives one message), and the fields that validated are still
//! checked against their types and against each other through flattened sets (see
//! `expand::expand_sound_parts`), so one build shows every mistake.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let (krate_path, krate_sound) = attr::container(&mut cx, &input.attrs);
    let krate = crate::krate::path(krate_path.as_ref());
    let Some(s) = ast::Struct::from_input(&mut cx, input) else {
        // Not a struct with named fields: the stub is all there is.
        return cx.with_stub(expand::stub(input, &krate));
    };
    let sound = valid::check(&mut cx, &s);
    if cx.is_ok() {
        return expand::expand(&s, &krate);
    }
    if !krate_sound {
        // Every generated path starts with `crate`: the stub alone.
        return cx.with_stub(expand::stub(input, &krate));
    }
    let fields = s.fields.iter().zip(&sound).filter(|(_, sound)| **sound);
    let s = ast::Struct {
        fields: fields.map(|(f, _)| f.clone()).collect(),
        ..s
    };
    cx.with_stub(expand::expand_sound_parts(&s, input, &krate))
}
