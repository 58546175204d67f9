//! `#[label(...)]` on the enum and on its variants.

use crate::ctxt::{skip_meta_value, unknown_key_message, Attr, Ctxt};
use crate::names::{apply_rename_all, RENAME_ALL_RULES};
use crate::symbol::{CRATE, LABEL, RENAME, RENAME_ALL};

/// `#[label(rename_all = "...", crate = "...")]` on the enum.
pub(crate) struct Container {
    /// The rule and the literal that gave it (for spans).
    pub(crate) rename_all: Option<(String, syn::LitStr)>,
    pub(crate) krate: Option<syn::Path>,
}

impl Container {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut rename_all = Attr::none(RENAME_ALL);
        let mut krate = Attr::none(CRATE);
        for attr in attrs.iter().filter(|a| a.path().is_ident(LABEL)) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(RENAME_ALL) {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    let rule = lit.value();
                    if apply_rename_all(&rule, "X").is_none() {
                        let list = RENAME_ALL_RULES
                            .iter()
                            .map(|r| format!("\"{r}\""))
                            .collect::<Vec<_>>()
                            .join(", ");
                        cx.error_spanned_by(
                            &lit,
                            format!("unknown `rename_all` rule \"{rule}\"; expected one of {list}"),
                        );
                    } else {
                        rename_all.set(cx, &meta.path, (rule, lit));
                    }
                } else if meta.path.is_ident(CRATE) {
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
                        "; `rename` goes on a variant"
                    } else {
                        ""
                    };
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "{}{hint}",
                            unknown_key_message(LABEL, &meta.path, &[RENAME_ALL, CRATE])
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
        Container {
            rename_all: rename_all.get(),
            krate: krate.get(),
        }
    }
}

/// `#[label(rename = "...")]` on a variant: the literal, kept for spans.
pub(crate) fn variant_rename(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::LitStr> {
    let mut rename = Attr::none(RENAME);
    for attr in attrs.iter().filter(|a| a.path().is_ident(LABEL)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(RENAME) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename.set(cx, &meta.path, lit);
            } else {
                let hint = if meta.path.is_ident(RENAME_ALL) || meta.path.is_ident(CRATE) {
                    "; `rename_all` and `crate` go on the enum"
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
