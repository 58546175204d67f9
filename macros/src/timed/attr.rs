//! The arguments of `#[timed]`: bare, or `name = "...", help = "...", buckets = [...]`,
//! and `crate = "path"` for crates that re-export promenade.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, Meta, Token, UnOp};

use crate::ctxt::Ctxt;
use crate::names;
use crate::symbol::{BUCKETS, CRATE, HELP, NAME};

/// What the attribute asked for.
pub(crate) struct TimedArgs {
    /// `Some` for the function's own histogram; `None` for the shared family.
    pub(crate) own: Option<OwnHistogram>,
    pub(crate) krate: Option<syn::Path>,
}

pub(crate) struct OwnHistogram {
    pub(crate) name: String,
    pub(crate) help: String,
    pub(crate) buckets: Vec<f64>,
}

pub(crate) fn parse(args: TokenStream, func: &syn::ItemFn) -> syn::Result<TimedArgs> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    let mut cx = Ctxt::new();
    let mut name: Option<(String, syn::LitStr)> = None;
    let mut help: Option<String> = None;
    let mut help_span: Option<Meta> = None;
    let mut buckets: Option<(Vec<f64>, Meta)> = None;
    let mut krate = None;

    for meta in &metas {
        let key = meta
            .path()
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        let Meta::NameValue(nv) = meta else {
            cx.error_spanned_by(
                meta,
                format!("expected `key = value`; `#[timed]` accepts `{NAME} = \"...\"`, `{HELP} = \"...\"`, `{BUCKETS} = [...]` and `{CRATE} = \"...\"`"),
            );
            continue;
        };
        let seen = match key.as_str() {
            NAME => name.is_some(),
            HELP => help.is_some(),
            BUCKETS => buckets.is_some(),
            CRATE => krate.is_some(),
            _ => false,
        };
        if seen {
            cx.error_spanned_by(&nv.path, format!("`{key}` is given twice; keep one"));
            continue;
        }
        match key.as_str() {
            NAME => match string_value(&nv.value) {
                Some(lit) => {
                    let value = lit.value();
                    if let Some(reason) = names::metric_name_error(&value) {
                        cx.error_spanned_by(&lit, format!("invalid metric name `{value}`: {reason}"));
                    }
                    name = Some((value, lit));
                }
                None => cx.error_spanned_by(&nv.value, "`name` takes a string literal, like `name = \"backup_duration_seconds\"`"),
            },
            HELP => match string_value(&nv.value) {
                Some(lit) => {
                    help = Some(lit.value());
                    help_span = Some(meta.clone());
                }
                None => cx.error_spanned_by(&nv.value, "`help` takes a string literal"),
            },
            BUCKETS => match bucket_list(&nv.value) {
                Ok(list) => buckets = Some((list, meta.clone())),
                Err(e) => cx.syn_error(e),
            },
            CRATE => match string_value(&nv.value).map(|l| l.parse::<syn::Path>()) {
                Some(Ok(path)) => krate = Some(path),
                _ => cx.error_spanned_by(&nv.value, "`crate` takes a path in a string, like `crate = \"my_crate::promenade\"`"),
            },
            _ => cx.error_spanned_by(
                &nv.path,
                format!("unknown `#[timed]` argument `{key}`; expected one of `{NAME}`, `{HELP}`, `{BUCKETS}`, `{CRATE}`"),
            ),
        }
    }

    let own = match name {
        Some((name, lit)) => {
            let help = help.or_else(|| doc_comment(&func.attrs));
            match help {
                Some(help) => Some(OwnHistogram {
                    name,
                    help,
                    buckets: buckets.map(|(b, _)| b).unwrap_or_default(),
                }),
                None => {
                    cx.error_spanned_by(
                        lit,
                        "this histogram has no help text; add `help = \"...\"` or a doc comment on the function",
                    );
                    None
                }
            }
        }
        None => {
            if let Some(meta) = help_span {
                cx.error_spanned_by(meta, "`help` only applies to a function's own histogram; add `name = \"...\"` or remove `help`");
            }
            if let Some((_, meta)) = buckets {
                cx.error_spanned_by(meta, "`buckets` only apply to a function's own histogram (the shared `function_duration_seconds` family has fixed buckets); add `name = \"...\"` or remove `buckets`");
            }
            None
        }
    };
    cx.check()?;
    Ok(TimedArgs { own, krate })
}

fn string_value(e: &Expr) -> Option<syn::LitStr> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.clone()),
        _ => None,
    }
}

/// The doc comment of the function, lines trimmed and joined with spaces.
fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => string_value(&nv.value).map(|s| s.value().trim().to_owned()),
            _ => None,
        })
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}

/// `[0.1, 0.5, 1]`: numeric literals, finite, strictly increasing. A trailing `+Inf`
/// is not writable as a literal; the `+Inf` bucket is always implied.
fn bucket_list(e: &Expr) -> syn::Result<Vec<f64>> {
    let Expr::Array(arr) = e else {
        return Err(syn::Error::new_spanned(
            e,
            "`buckets` takes a list of numbers, like `buckets = [0.01, 0.1, 1.0]`",
        ));
    };
    if arr.elems.is_empty() {
        return Err(syn::Error::new_spanned(
            arr,
            "`buckets` cannot be empty; list at least one upper bound (`+Inf` is implied)",
        ));
    }
    let mut out: Vec<f64> = Vec::with_capacity(arr.elems.len());
    for elem in &arr.elems {
        let v = number(elem).ok_or_else(|| {
            syn::Error::new_spanned(
                elem,
                "bucket bounds must be number literals, like `0.25` or `10`",
            )
        })?;
        if !v.is_finite() {
            return Err(syn::Error::new(
                elem.span(),
                "bucket bounds must be finite (`+Inf` is implied)",
            ));
        }
        if let Some(prev) = out.last() {
            if v <= *prev {
                return Err(syn::Error::new_spanned(
                    elem,
                    format!(
                        "bucket bounds must be strictly increasing, but {v:?} follows {prev:?}"
                    ),
                ));
            }
        }
        out.push(v);
    }
    Ok(out)
}

fn number(e: &Expr) -> Option<f64> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse().ok(),
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<i64>().ok().map(|v| v as f64),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => number(&u.expr).map(|v| -v),
        Expr::Group(g) => number(&g.expr),
        _ => None,
    }
}
