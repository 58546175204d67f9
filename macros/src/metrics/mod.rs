//! `#[derive(Metrics)]` on structs whose named fields are metrics: parse (`ast`, `attr`)
//! → validate (`valid`, which also composes names and help texts) → expand (`expand`).
//! Every mistake is collected; on error a stub (the same items with empty bodies) is still
//! emitted so that one mistake gives one message.
//!
//! Some checks need facts only the type system knows (a field's metric type, its label
//! set's names and cardinality). Those are generated as const items whose panic message is
//! the error the user reads, spanned at the field (see `expand::const_checks`).

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let container = attr::Container::from_attrs(&mut cx, &input.attrs);
    let krate = crate::krate::path(container.krate.as_ref());
    let parsed = ast::Struct::from_input(&mut cx, input);
    let checked = parsed.map(|s| valid::check(&mut cx, &container, s));
    match checked {
        Some(s) if cx.is_ok() => expand::expand(&s, &krate),
        // Errors, and next to them a stub with the right shape.
        _ => cx.with_stub(expand::stub(input, &krate)),
    }
}
