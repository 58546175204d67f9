//! `#[derive(LabelSet)]` on structs with named fields: parse (`ast`, `attr`) → validate
//! (`valid`) → expand (`expand`). Every mistake is collected; on error a stub impl is
//! still emitted so that one mistake gives one message.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let krate_path = attr::container(&mut cx, &input.attrs);
    let krate = crate::krate::path(krate_path.as_ref());
    let parsed = ast::Struct::from_input(&mut cx, input);
    if let Some(s) = &parsed {
        valid::check(&mut cx, s);
    }
    match parsed {
        Some(s) if cx.is_ok() => expand::expand(&s, &krate),
        // Errors, and next to them a stub with the right shape.
        _ => cx.with_stub(expand::stub(input, &krate)),
    }
}
