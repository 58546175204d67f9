//! `#[derive(LabelValue)]` on fieldless enums and on newtypes (over another label value,
//! or over an integer with `#[label(range = A..=B)]`): parse (`ast`, `attr`) → validate
//! (`valid`) → expand (`expand`). Every mistake is collected; on error a stub impl is
//! still emitted so that one mistake gives one message.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let container = attr::Container::from_attrs(&mut cx, &input.attrs);
    let krate = crate::krate::path(container.krate.as_ref());
    let parsed = ast::Input::from_input(&mut cx, input, &container);
    if let Some(ast::Input::Enum(e)) = &parsed {
        valid::check(&mut cx, e);
    }
    match parsed {
        Some(parsed) if cx.is_ok() => expand::expand(&parsed, &krate),
        // Errors, and next to them a stub with the right shape.
        _ => cx.with_stub(expand::stub(input, &krate)),
    }
}
