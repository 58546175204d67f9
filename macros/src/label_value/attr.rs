//! `#[label(...)]` on the type and on its variants.

use crate::ctxt::{
    expr_value, for_each_key, lit_str, parse_crate, parse_str, unknown_key, Attr, Ctxt,
};
use crate::names::{apply_rename_all, RENAME_ALL_RULES};
use crate::symbol::{CRATE, LABEL, RANGE, RENAME, RENAME_ALL};

/// `#[label(rename_all = "...", range = A..=B, crate = "...")]` on the type.
pub(crate) struct Container {
    /// The rule and the literal that gave it (for spans).
    pub(crate) rename_all: Option<(String, syn::LitStr)>,
    pub(crate) range: Option<Range>,
    pub(crate) krate: Option<syn::Path>,
}

/// `range = A..=B` (or `A..B`): the inclusive bounds as written.
pub(crate) struct Range {
    pub(crate) min: i128,
    pub(crate) max: i128,
    /// The range as written, for errors spanning all of it.
    pub(crate) tokens: proc_macro2::TokenStream,
}

impl Container {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut rename_all = Attr::none(RENAME_ALL);
        let mut range = Attr::none(RANGE);
        let mut krate = Attr::none(CRATE);
        for_each_key(cx, attrs, LABEL, |cx, meta| {
            if meta.path.is_ident(RENAME_ALL) {
                let value = expr_value(meta)?;
                let Some(lit) = lit_str(&value).cloned() else {
                    cx.error_spanned_by(
                        &value,
                        "`rename_all` takes a string literal, like `rename_all = \"snake_case\"`",
                    );
                    return Ok(());
                };
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
            } else if meta.path.is_ident(RANGE) {
                let expr = expr_value(meta)?;
                if let Some(r) = parse_range(cx, &expr) {
                    range.set(cx, &meta.path, r);
                }
            } else if meta.path.is_ident(CRATE) {
                parse_crate(cx, meta, &mut krate)?;
            } else {
                let hint = if meta.path.is_ident(RENAME) {
                    "; `rename` goes on a variant"
                } else {
                    ""
                };
                unknown_key(cx, meta, LABEL, &[RENAME_ALL, RANGE, CRATE], hint)?;
            }
            Ok(())
        });
        Container {
            rename_all: rename_all.get(),
            range: range.get(),
            krate: krate.get(),
        }
    }
}

/// `#[label(rename = "...")]` on a variant: the literal, kept for spans.
pub(crate) fn variant_rename(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::LitStr> {
    let mut rename = Attr::none(RENAME);
    for_each_key(cx, attrs, LABEL, |cx, meta| {
        if meta.path.is_ident(RENAME) {
            parse_str(cx, meta, &mut rename, "get")
        } else {
            let hint = if [RENAME_ALL, CRATE, RANGE]
                .iter()
                .any(|k| meta.path.is_ident(k))
            {
                "; `rename_all`, `range` and `crate` go on the type"
            } else {
                ""
            };
            unknown_key(cx, meta, LABEL, &[RENAME], hint)
        }
    });
    rename.get()
}

/// `A..=B` or `A..B` with integer literals (negative ones too), not empty.
fn parse_range(cx: &mut Ctxt, expr: &syn::Expr) -> Option<Range> {
    const FORM: &str = "`range` must be a range of integer literals, like `range = 0..=9`";
    let syn::Expr::Range(r) = expr else {
        cx.error_spanned_by(expr, FORM);
        return None;
    };
    let (Some(start), Some(end)) = (&r.start, &r.end) else {
        cx.error_spanned_by(expr, format!("{FORM}; both ends are needed"));
        return None;
    };
    let (Some(min), Some(end_value)) = (int(start), int(end)) else {
        cx.error_spanned_by(expr, FORM);
        return None;
    };
    let max = match r.limits {
        syn::RangeLimits::Closed(_) => end_value,
        syn::RangeLimits::HalfOpen(_) => end_value - 1,
    };
    if max < min {
        cx.error_spanned_by(
            expr,
            "this range is empty, so the label could take no value; write `range = MIN..=MAX` with MIN <= MAX",
        );
        return None;
    }
    Some(Range {
        min,
        max,
        tokens: quote::quote!(#expr),
    })
}

fn int(expr: &syn::Expr) -> Option<i128> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => int(expr).map(|v| -v),
        syn::Expr::Group(g) => int(&g.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_with_a_value_of_the_wrong_type_is_reported_and_the_rest_read() {
        let attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(
            #[label(rename_all = snake_case, range = "0..9", crate = 1, rename_all = "kebab-case")]
        )];
        let mut cx = Ctxt::new();
        let c = Container::from_attrs(&mut cx, &attrs);
        let messages: Vec<String> = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        assert_eq!(
            messages,
            [
                "`rename_all` takes a string literal, like `rename_all = \"snake_case\"`",
                "`range` must be a range of integer literals, like `range = 0..=9`",
                "`crate` takes a path to the promenade crate in a string, like `crate = \"::my_crate::promenade\"`",
            ]
        );
        assert_eq!(
            c.rename_all.map(|(rule, _)| rule).as_deref(),
            Some("kebab-case")
        );

        let attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(#[label(rename = 7)])];
        let mut cx = Ctxt::new();
        assert!(variant_rename(&mut cx, &attrs).is_none());
        assert_eq!(
            cx.check().unwrap_err().to_string(),
            "`rename` takes a string literal, like `rename = \"get\"`"
        );
    }
}
