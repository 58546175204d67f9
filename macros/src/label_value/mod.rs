//! `#[derive(LabelValue)]` on fieldless enums and on newtypes (over another label value,
//! or over an integer with `#[label(range = A..=B)]`): parse (`ast`, `attr`) → validate
//! (`valid`) → expand (`expand`). Every mistake is collected. On error the impl is a stub
//! (so that one mistake gives one message), and a newtype's field is still checked to be a
//! `LabelValue` when the type's attribute was read without error (it says whether the
//! field is a label value or a `range`), so one build shows every mistake.

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = Ctxt::new();
    let (container, container_sound) = cx.sound(|cx| attr::Container::from_attrs(cx, &input.attrs));
    let krate = crate::krate::path(container.krate.as_ref());
    let parsed = ast::Input::from_input(&mut cx, input, &container);
    if let Some(ast::Input::Enum(e)) = &parsed {
        valid::check(&mut cx, e);
    }
    match parsed {
        Some(parsed) if cx.is_ok() => expand::expand(&parsed, &krate),
        // A union cannot derive `Eq` or `Hash`, so a stub would add their errors.
        None if matches!(input.data, syn::Data::Union(_)) => cx.with_stub(Default::default()),
        // Errors, and next to them a stub with the right shape.
        parsed => {
            let sound = parsed.filter(|_| container_sound && container.range.is_none());
            cx.with_stub(expand::expand_sound_parts(sound.as_ref(), input, &krate))
        }
    }
}
