//! `#[label(...)]` on the struct (`crate`) and on its fields (`rename`).

use crate::ctxt::{skip_meta_value, unknown_key_message, Attr, Ctxt};
use crate::symbol::{CRATE, LABEL, RENAME, RENAME_ALL};

/// `#[label(crate = "...")]` on the struct: the runtime's path, if overridden.
pub(crate) fn container(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::Path> {
    let mut krate = Attr::none(CRATE);
    for attr in attrs.iter().filter(|a| a.path().is_ident(LABEL)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(CRATE) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                match lit.parse::<syn::Path>() {
                    Ok(path) => krate.set(cx, &meta.path, path),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        "`crate` must be a path to the promenade crate, like `crate = \"::my_crate::promenade\"`",
                    ),
                }
            } else {
                let hint = if meta.path.is_ident(RENAME) {
                    "; `rename` goes on a field"
                } else if meta.path.is_ident(RENAME_ALL) {
                    "; `rename_all` is for `#[derive(LabelValue)]` enums"
                } else {
                    ""
                };
                cx.error_spanned_by(
                    &meta.path,
                    format!("{}{hint}", unknown_key_message(LABEL, &meta.path, &[CRATE])),
                );
                skip_meta_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    krate.get()
}

/// `#[label(rename = "...")]` on a field: the literal, kept for spans.
pub(crate) fn field_rename(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::LitStr> {
    let mut rename = Attr::none(RENAME);
    for attr in attrs.iter().filter(|a| a.path().is_ident(LABEL)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(RENAME) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename.set(cx, &meta.path, lit);
            } else {
                let hint = if meta.path.is_ident(CRATE) {
                    "; `crate` goes on the struct"
                } else {
                    ""
                };
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "{}{hint}",
                        unknown_key_message(LABEL, &meta.path, &[RENAME])
                    ),
                );
                skip_meta_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    rename.get()
}
