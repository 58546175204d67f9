//! `#[label(...)]` on the struct (`crate`) and on its fields (`rename`, `limit`,
//! `unbounded`, `flatten`).

use proc_macro2::Span;

use crate::ctxt::{
    for_each_key, limit_value, parse_crate, parse_flag, parse_str, unknown_key, Attr, Ctxt,
};
use crate::symbol::{CRATE, FLATTEN, LABEL, LIMIT, RANGE, RENAME, RENAME_ALL, UNBOUNDED};

/// `#[label(crate = "...")]` on the struct: the runtime's path, if overridden.
pub(crate) fn container(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::Path> {
    let mut krate = Attr::none(CRATE);
    for_each_key(cx, attrs, LABEL, |cx, meta| {
        if meta.path.is_ident(CRATE) {
            return parse_crate(cx, meta, &mut krate);
        }
        let hint = if [RENAME, LIMIT, UNBOUNDED, FLATTEN]
            .iter()
            .any(|k| meta.path.is_ident(k))
        {
            "; this key goes on a field"
        } else if meta.path.is_ident(RENAME_ALL) || meta.path.is_ident(RANGE) {
            "; this key is for `#[derive(LabelValue)]`"
        } else {
            ""
        };
        unknown_key(cx, meta, LABEL, &[CRATE], hint)
    });
    krate.get()
}

/// `#[label(...)]` on a field.
#[derive(Default, Clone)]
pub(crate) struct Field {
    /// `rename = "..."`: the literal, kept for spans.
    pub(crate) rename: Option<syn::LitStr>,
    /// `limit = N`: the most values this (open) label takes.
    pub(crate) limit: Option<(syn::Expr, Span)>,
    /// `unbounded`: no limit, explicitly.
    pub(crate) unbounded: Option<Span>,
    /// `flatten`: the field is a label set whose labels join this one's.
    pub(crate) flatten: Option<Span>,
}

impl Field {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut rename = Attr::none(RENAME);
        let mut limit = Attr::none(LIMIT);
        let mut unbounded = Attr::none(UNBOUNDED);
        let mut flatten = Attr::none(FLATTEN);
        for_each_key(cx, attrs, LABEL, |cx, meta| {
            if meta.path.is_ident(RENAME) {
                parse_str(cx, meta, &mut rename, "method")
            } else if meta.path.is_ident(LIMIT) {
                let Some(expr) = limit_value(
                    cx,
                    meta,
                    "`limit` takes the most values this label may take, like `limit = 100` (or a `usize` constant)",
                )?
                else {
                    return Ok(());
                };
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }) = &expr
                {
                    if n.base10_parse::<usize>().ok() == Some(0) {
                        cx.error_spanned_by(
                            n,
                            "a `limit` of 0 would leave this label no value at all; allow at least 1",
                        );
                    }
                }
                let span = syn::spanned::Spanned::span(&meta.path);
                limit.set(cx, &meta.path, (expr, span));
                Ok(())
            } else if meta.path.is_ident(UNBOUNDED) {
                parse_flag(cx, meta, &mut unbounded)
            } else if meta.path.is_ident(FLATTEN) {
                parse_flag(cx, meta, &mut flatten)
            } else {
                let hint = if meta.path.is_ident(CRATE) {
                    "; `crate` goes on the struct"
                } else {
                    ""
                };
                unknown_key(cx, meta, LABEL, &[RENAME, LIMIT, UNBOUNDED, FLATTEN], hint)
            }
        });
        let f = Field {
            rename: rename.get(),
            limit: limit.get(),
            unbounded: unbounded.get(),
            flatten: flatten.get(),
        };
        if let (Some((_, span)), Some(_)) = (&f.limit, f.unbounded) {
            cx.syn_error(syn::Error::new(
                *span,
                "a label cannot have both a `limit` and `unbounded`; keep the limit",
            ));
        }
        if let Some(span) = f.flatten {
            let other = [
                f.rename.as_ref().map(|_| RENAME),
                f.limit.as_ref().map(|_| LIMIT),
                f.unbounded.map(|_| UNBOUNDED),
            ];
            if let Some(key) = other.into_iter().flatten().next() {
                cx.syn_error(syn::Error::new(
                    span,
                    format!("a flattened field brings its own labels, so `{key}` does not apply to it; put it on the fields of the nested label set"),
                ));
            }
        }
        f
    }
}
