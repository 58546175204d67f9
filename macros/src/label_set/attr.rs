//! `#[label(...)]` on the struct (`crate`) and on its fields (`rename`, `limit`,
//! `unbounded`, `flatten`, `utf8`).

use proc_macro2::Span;

use crate::ctxt::{
    for_each_key, limit_value, parse_crate, parse_flag, parse_str, unknown_key, Attr, Ctxt,
};
use crate::symbol::{CRATE, FLATTEN, LABEL, LIMIT, RANGE, RENAME, RENAME_ALL, UNBOUNDED, UTF8};

/// `#[label(crate = "...")]` on the struct: the runtime's path, if overridden, and whether
/// every `crate = ...` was read without a mistake (the generated code's paths start with
/// it, so after one nothing but the stub is emitted).
pub(crate) fn container(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> (Option<syn::Path>, bool) {
    let mut krate = Attr::none(CRATE);
    let mut krate_sound = true;
    for_each_key(cx, attrs, LABEL, |cx, meta| {
        if meta.path.is_ident(CRATE) {
            let (read, sound) = cx.sound(|cx| parse_crate(cx, meta, &mut krate));
            krate_sound &= sound && read.is_ok();
            return read;
        }
        let hint = if [RENAME, LIMIT, UNBOUNDED, FLATTEN, UTF8]
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
    (krate.get(), krate_sound)
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
    /// `utf8`: the name is a UTF-8 label name (`url.scheme`).
    pub(crate) utf8: Option<Span>,
}

impl Field {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut rename = Attr::none(RENAME);
        let mut limit = Attr::none(LIMIT);
        let mut unbounded = Attr::none(UNBOUNDED);
        let mut flatten = Attr::none(FLATTEN);
        let mut utf8 = Attr::none(UTF8);
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
            } else if meta.path.is_ident(UTF8) {
                parse_flag(cx, meta, &mut utf8)
            } else {
                let hint = if meta.path.is_ident(CRATE) {
                    "; `crate` goes on the struct"
                } else {
                    ""
                };
                unknown_key(
                    cx,
                    meta,
                    LABEL,
                    &[RENAME, LIMIT, UNBOUNDED, FLATTEN, UTF8],
                    hint,
                )
            }
        });
        let f = Field {
            rename: rename.get(),
            limit: limit.get(),
            unbounded: unbounded.get(),
            flatten: flatten.get(),
            utf8: utf8.get(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_with_a_value_of_the_wrong_type_is_reported_and_the_rest_read() {
        let attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(
            #[label(rename = method, limit = "10", unbounded)]
        )];
        let mut cx = Ctxt::new();
        let f = Field::from_attrs(&mut cx, &attrs);
        let messages: Vec<String> = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        assert_eq!(
            messages,
            [
                "`rename` takes a string literal, like `rename = \"method\"`",
                "`limit` takes the most values this label may take, like `limit = 100` (or a `usize` constant)",
            ]
        );
        assert!(f.unbounded.is_some() && f.rename.is_none() && f.limit.is_none());

        let attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(#[label(crate = promenade)])];
        let mut cx = Ctxt::new();
        let (krate, sound) = container(&mut cx, &attrs);
        assert!(krate.is_none() && !sound);
        assert_eq!(
            cx.check().unwrap_err().to_string(),
            "`crate` takes a path to the promenade crate in a string, like `crate = \"::my_crate::promenade\"`"
        );
    }
}
