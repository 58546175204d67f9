//! The arguments every function attribute shares: parsed once, checked against what the
//! attribute accepts, then resolved against the function (doc comment, return type).

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Meta, Token};

use super::Kind;
use crate::ctxt::{crate_value, Attr, Ctxt};
use crate::names;
use crate::symbol::{BUCKETS, CRATE, HELP, METRIC, NAME, ONLY, OUTCOME, SKIP};

/// What the attribute said, before looking at the function.
pub(crate) struct Args {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) help: Option<(String, Meta)>,
    pub(crate) buckets: Option<(crate::buckets::Bounds, Meta)>,
    pub(crate) metric: Option<Expr>,
    pub(crate) outcome: bool,
    pub(crate) only: Option<(Vec<syn::Path>, Meta)>,
    pub(crate) skip: Option<Meta>,
    pub(crate) krate: Option<syn::Path>,
}

/// Where the attribute records.
pub(crate) enum Target {
    /// The shared family of this attribute, labelled `function` and `module`.
    Shared,
    /// The function's own metric.
    Own {
        name: String,
        help: String,
        /// `None`: the default buckets.
        buckets: Option<crate::buckets::Bounds>,
    },
    /// An existing metric, evaluated at each call.
    Metric(Expr),
}

/// The arguments resolved against one function.
pub(crate) struct Resolved {
    pub(crate) target: Target,
    pub(crate) outcome: bool,
    /// `only = [...]` as patterns matching the error, `E::Variant { .. }`.
    pub(crate) only: Option<Vec<TokenStream>>,
}

impl Args {
    /// Checks what only makes sense on a whole impl block: every method would get the same
    /// named metric, which cannot be registered twice.
    pub(crate) fn check_for_impl(&self, kind: Kind) -> syn::Result<()> {
        if let Some(name) = &self.name {
            return Err(syn::Error::new_spanned(
                name,
                format!(
                    "`{NAME}` on an impl block would give every method the same metric; name each method's own `#[{k}(name = \"...\")]`, or record them all into one with `{METRIC} = ...`",
                    k = kind.name()
                ),
            ));
        }
        if let Some(meta) = &self.skip {
            return Err(syn::Error::new_spanned(
                meta,
                format!(
                    "`{SKIP}` goes on a method inside the impl block, as `#[{SKIP}]` or `#[{k}({SKIP})]`",
                    k = kind.name()
                ),
            ));
        }
        Ok(())
    }
}

pub(crate) fn parse(kind: Kind, args: TokenStream) -> syn::Result<Args> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    let mut cx = Ctxt::new();
    let mut name = Attr::none(NAME);
    let mut help = Attr::none(HELP);
    let mut buckets = Attr::none(BUCKETS);
    let mut metric = Attr::none(METRIC);
    let mut outcome = Attr::none(OUTCOME);
    let mut only = Attr::none(ONLY);
    let mut skip = Attr::none(SKIP);
    let mut krate = Attr::none(CRATE);
    let accepted = kind.accepted();
    let attr = kind.name();

    for meta in &metas {
        let key = meta
            .path()
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if !accepted.contains(&key.as_str()) {
            let key = if key.is_empty() {
                quote::ToTokens::to_token_stream(meta.path())
                    .to_string()
                    .replace(' ', "")
            } else {
                key
            };
            let list = accepted
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            cx.error_spanned_by(
                meta.path(),
                format!("unknown `#[{attr}]` argument `{key}`; expected one of {list}"),
            );
            continue;
        }
        // Flags: `outcome`, `skip`.
        if key == OUTCOME || key == SKIP {
            match meta {
                Meta::Path(path) => {
                    if key == OUTCOME {
                        outcome.set(&mut cx, path, ());
                    } else {
                        skip.set(&mut cx, path, meta.clone());
                    }
                }
                _ => cx.error_spanned_by(
                    meta,
                    format!("`{key}` takes no value; write `#[{attr}({key})]`"),
                ),
            }
            continue;
        }
        let Meta::NameValue(nv) = meta else {
            cx.error_spanned_by(
                meta,
                format!("expected `{key} = ...`; see the documentation of `#[{attr}]`"),
            );
            continue;
        };
        match key.as_str() {
            NAME => match string_value(&nv.value) {
                Some(lit) => {
                    let value = lit.value();
                    if let Some(reason) = names::metric_name_error(&value) {
                        let fix = match names::metric_name_fix(&value) {
                            Some(fixed) => format!("; use `{fixed}` instead"),
                            None => String::from("; choose another name"),
                        };
                        cx.error_spanned_by(
                            &lit,
                            format!("{}{fix}", names::InvalidName::metric(&value, reason)),
                        );
                    } else if kind == Kind::Instrumented {
                        if let Some(message) = prefix_error(&value) {
                            cx.error_spanned_by(&lit, message);
                        }
                    }
                    name.set(&mut cx, &nv.path, lit);
                }
                None => cx.error_spanned_by(
                    &nv.value,
                    "`name` takes a string literal, like `name = \"backup_duration_seconds\"`",
                ),
            },
            HELP => match string_value(&nv.value) {
                Some(lit) => help.set(&mut cx, &nv.path, (lit.value(), meta.clone())),
                None => cx.error_spanned_by(&nv.value, "`help` takes a string literal"),
            },
            BUCKETS => match bucket_list(&nv.value) {
                Ok(list) => buckets.set(&mut cx, &nv.path, (list, meta.clone())),
                Err(e) => cx.syn_error(e),
            },
            METRIC => metric.set(&mut cx, &nv.path, nv.value.clone()),
            ONLY => match variant_list(&nv.value) {
                Ok(list) => only.set(&mut cx, &nv.path, (list, meta.clone())),
                Err(e) => cx.syn_error(e),
            },
            CRATE => crate_value(&mut cx, &nv.path, &nv.value, &mut krate),
            _ => unreachable!("every accepted key is handled above"),
        }
    }

    let args = Args {
        name: name.get(),
        help: help.get(),
        buckets: buckets.get(),
        metric: metric.get(),
        outcome: outcome.get().is_some(),
        only: only.get(),
        skip: skip.get(),
        krate: krate.get(),
    };
    if let Some(skip) = &args.skip {
        if metas.len() > 1 {
            cx.error_spanned_by(
                skip,
                format!("`{SKIP}` leaves the method alone, so it takes no other argument; remove `{SKIP}` or the other arguments"),
            );
        }
    }
    if let Some(expr) = &args.metric {
        let own = [
            args.name.as_ref().map(|_| NAME),
            args.help.as_ref().map(|_| HELP),
            args.buckets.as_ref().map(|_| BUCKETS),
        ];
        if let Some(key) = own.into_iter().flatten().next() {
            cx.error_spanned_by(
                expr,
                format!("`{METRIC} = ...` records into an existing metric, so `{key}` does not apply; keep `{METRIC}` or describe a new metric with `{NAME}`/`{HELP}`"),
            );
        }
    }
    if args.name.is_none() && args.metric.is_none() {
        if let Some((_, meta)) = &args.help {
            cx.error_spanned_by(
                meta,
                format!("`help` only applies to a function's own metric; add `name = \"...\"` or remove `help` (the shared `{}` family has its own)", kind.shared_family(args.outcome)),
            );
        }
        if let Some((_, meta)) = &args.buckets {
            // `#[instrumented]`'s histogram is its outcome duration.
            let family = if kind == Kind::Instrumented {
                Kind::Timed.shared_family(true)
            } else {
                kind.shared_family(args.outcome)
            };
            cx.error_spanned_by(
                meta,
                format!("`buckets` only apply to a function's own histogram (the shared `{family}` family has fixed buckets); add `name = \"...\"` or remove `buckets`"),
            );
        }
    }
    cx.check()?;
    Ok(args)
}

/// Resolves the arguments against the function: the help text (doc comment), and `only`
/// against its return type.
pub(crate) fn resolve(
    kind: Kind,
    args: &Args,
    attrs: &[syn::Attribute],
    output: &syn::Type,
    fn_name: &syn::Ident,
) -> syn::Result<Resolved> {
    let target = match (&args.name, &args.metric) {
        (Some(lit), _) => {
            let help = match &args.help {
                Some((help, _)) => help.clone(),
                None => doc_comment(attrs).ok_or_else(|| {
                    let what = match kind {
                        Kind::Instrumented => String::from("the four metrics of `#[instrumented(name = ...)]` have"),
                        _ => format!("this {} has", kind.own_metric()),
                    };
                    syn::Error::new_spanned(
                        lit,
                        format!("{what} no help text; add `help = \"...\"` or a doc comment on the function"),
                    )
                })?,
            };
            Target::Own {
                name: lit.value(),
                help,
                buckets: args.buckets.as_ref().map(|(b, _)| b.clone()),
            }
        }
        (None, Some(expr)) => Target::Metric(expr.clone()),
        (None, None) => Target::Shared,
    };
    let only = match &args.only {
        None => None,
        Some((variants, meta)) => Some(only_patterns(variants, meta, output, fn_name)?),
    };
    Ok(Resolved {
        target,
        outcome: args.outcome,
        only,
    })
}

/// `only = [Disk, Timeout]` → `E::Disk { .. } | E::Timeout { .. }` with `E` from
/// `Result<T, E>`; full paths are used as written.
fn only_patterns(
    variants: &[syn::Path],
    meta: &Meta,
    output: &syn::Type,
    fn_name: &syn::Ident,
) -> syn::Result<Vec<TokenStream>> {
    let Some(result) = result_type(output) else {
        return Err(syn::Error::new_spanned(
            meta.path(),
            format!("`{ONLY}` picks which `Err` values count, but `{fn_name}` does not return a `Result`; remove `{ONLY}` to count panics, or return a `Result`"),
        ));
    };
    let error_type = result.and_then(|e| match e {
        syn::Type::Path(p)
            if p.qself.is_none() && p.path.segments.iter().all(|s| s.arguments.is_none()) =>
        {
            Some(p.path.clone())
        }
        _ => None,
    });
    variants
        .iter()
        .map(|v| {
            if v.segments.len() > 1 || v.leading_colon.is_some() {
                return Ok(quote::quote!(#v { .. }));
            }
            match &error_type {
                Some(e) => Ok(quote::quote!(#e::#v { .. })),
                None => Err(syn::Error::new_spanned(
                    v,
                    format!("cannot tell which enum `{}` belongs to from the return type; write its full path, like `MyError::{}`", quote::ToTokens::to_token_stream(v), quote::ToTokens::to_token_stream(v)),
                )),
            }
        })
        .collect()
}

/// `Some(Some(E))` for `Result<T, E>`, `Some(None)` for a `Result` whose error type is not
/// written out (`io::Result<T>`), `None` for anything else.
fn result_type(ty: &syn::Type) -> Option<Option<&syn::Type>> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Some(None);
    };
    let types: Vec<&syn::Type> = args
        .args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    Some(types.get(1).copied())
}

fn variant_list(e: &Expr) -> syn::Result<Vec<syn::Path>> {
    let message = "`only` takes a list of error variants, like `only = [Disk, Timeout]` or `only = [BackupError::Disk]`";
    let Expr::Array(arr) = e else {
        return Err(syn::Error::new_spanned(e, message));
    };
    if arr.elems.is_empty() {
        return Err(syn::Error::new_spanned(
            arr,
            "`only` cannot be empty: it would count nothing; list at least one variant or remove `only`",
        ));
    }
    arr.elems
        .iter()
        .map(|elem| match elem {
            Expr::Path(p) if p.qself.is_none() => Ok(p.path.clone()),
            _ => Err(syn::Error::new_spanned(elem, message)),
        })
        .collect()
}

/// The string literal in `e`, read as every macro reads one (see [`crate::ctxt::lit_str`]).
fn string_value(e: &Expr) -> Option<syn::LitStr> {
    crate::ctxt::lit_str(e).cloned()
}

/// The function's HELP from its doc comment (`crate::help`: the first paragraph).
fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    crate::help::from_doc(&crate::help::doc_lines(attrs))
}

/// `[0.1, 0.5, 1]`, `exponential(..)`, `linear(..)` or a constant's path, read as
/// `#[derive(Metrics)]` reads it (`crate::buckets`).
fn bucket_list(e: &Expr) -> syn::Result<crate::buckets::Bounds> {
    match crate::buckets::read(e) {
        (Some(bounds), None) => Ok(bounds),
        (_, Some(e)) => Err(e),
        (None, None) => unreachable!("bounds that cannot be read come with a mistake"),
    }
}

/// The span of the first token of `metric = <expr>`, where a wrong kind of metric is
/// reported.
pub(crate) fn metric_span(expr: &Expr) -> Span {
    expr.span()
}

/// Why `name` cannot prefix `#[instrumented]`'s four names, or `None` if it can: a name
/// ending like one of them (`backup_seconds` would give `backup_seconds_duration_seconds`)
/// or a sample (`_count`) is a metric's name written where a prefix belongs.
fn prefix_error(name: &str) -> Option<String> {
    let (suffix, stem) = promenade_rules::names::function_prefix_mistake(name)?;
    let fix = if stem.is_empty() || names::metric_name_error(stem).is_some() {
        String::from("a prefix such as `name = \"backup\"`")
    } else {
        format!("`name = \"{stem}\"`")
    };
    Some(format!(
        "`name` of `#[instrumented]` prefixes its four metrics (`{name}_calls_total`, `{name}_in_progress`, `{name}_errors_total`, `{name}_duration_seconds`), so it cannot end with `{suffix}`; write {fix}"
    ))
}
