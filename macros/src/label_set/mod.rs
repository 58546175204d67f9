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
    match (cx.check(), parsed) {
        (Ok(()), Some(s)) => expand::expand(&s, &krate),
        (Err(errors), _) => {
            let mut out = errors.into_compile_error();
            out.extend(expand::stub(input, &krate));
            out
        }
        // `from_input` returns `None` only after reporting an error.
        (Ok(()), None) => expand::stub(input, &krate),
    }
}
