//! `#[derive(LabelValue)]` on fieldless enums: parse (`ast`, `attr`) → validate (`valid`)
//! → expand (`expand`). Every mistake is collected; on error a stub impl is still emitted
//! so that one mistake gives one message.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let container = attr::Container::from_attrs(&mut cx, &input.attrs);
    let krate = crate::krate::path(container.krate.as_ref());
    let parsed = ast::Enum::from_input(&mut cx, input, container);
    if let Some(e) = &parsed {
        valid::check(&mut cx, e);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(e)) => expand::expand(&e, &krate),
        (Err(errors), _) => {
            let mut out = errors.into_compile_error();
            out.extend(expand::stub(input, &krate));
            out
        }
        // `from_input` returns `None` only after reporting an error.
        (Ok(()), None) => expand::stub(input, &krate),
    }
}
