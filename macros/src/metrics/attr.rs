//! `#[metrics(...)]` on the struct, `#[metric(...)]` and doc comments on its fields.

use crate::ctxt::{skip_meta_value, unknown_key_message, Attr, Ctxt};
use crate::symbol::{
    BUCKETS, CRATE, HELP, LIMIT, MAX_SERIES, METRIC, METRICS, NAME, NAMESPACE, SUBSYSTEM,
};

/// `#[metrics(namespace = "...", subsystem = "...", max_series = N, crate = "...")]`.
#[derive(Default)]
pub(crate) struct Container {
    pub(crate) namespace: Option<syn::LitStr>,
    pub(crate) subsystem: Option<syn::LitStr>,
    /// The budget of series the whole struct may expose, checked at compile time.
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) krate: Option<syn::Path>,
}

impl Container {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut namespace = Attr::none(NAMESPACE);
        let mut subsystem = Attr::none(SUBSYSTEM);
        let mut krate = Attr::none(CRATE);
        let mut max_series = Attr::none(MAX_SERIES);
        for attr in attrs {
            if attr.path().is_ident(METRIC) {
                cx.error_spanned_by(
                    attr.path(),
                    "`#[metric(...)]` goes on a field; on the struct, use `#[metrics(namespace = \"...\", subsystem = \"...\")]`",
                );
                continue;
            }
            if !attr.path().is_ident(METRICS) {
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(NAMESPACE) {
                    namespace.set(cx, &meta.path, meta.value()?.parse()?);
                } else if meta.path.is_ident(SUBSYSTEM) {
                    subsystem.set(cx, &meta.path, meta.value()?.parse()?);
                } else if meta.path.is_ident(MAX_SERIES) {
                    let lit: syn::LitInt = meta.value()?.parse()?;
                    if lit.base10_parse::<usize>().is_err() {
                        cx.error_spanned_by(&lit, "`max_series` must be a whole number of series");
                    } else {
                        max_series.set(cx, &meta.path, lit);
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
                    let field_key = [NAME, HELP, BUCKETS, LIMIT]
                        .iter()
                        .any(|k| meta.path.is_ident(k));
                    let hint = if field_key {
                        "; this key goes on a field, in `#[metric(...)]`"
                    } else {
                        ""
                    };
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "{}{hint}",
                            unknown_key_message(
                                METRICS,
                                &meta.path,
                                &[NAMESPACE, SUBSYSTEM, MAX_SERIES, CRATE],
                            )
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
            namespace: namespace.get(),
            subsystem: subsystem.get(),
            max_series: max_series.get(),
            krate: krate.get(),
        }
    }
}

/// `#[metric(name = "...", help = "...", buckets = [...], limit = N)]` and the doc comment.
#[derive(Default)]
pub(crate) struct Field {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) help: Option<syn::LitStr>,
    /// The list as written; `valid` reads the numbers.
    pub(crate) buckets: Option<syn::ExprArray>,
    pub(crate) limit: Option<syn::Expr>,
    /// The doc comment's lines, as written.
    pub(crate) doc: Vec<String>,
}

impl Field {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut name = Attr::none(NAME);
        let mut help = Attr::none(HELP);
        let mut buckets = Attr::none(BUCKETS);
        let mut limit = Attr::none(LIMIT);
        let mut doc = Vec::new();
        for attr in attrs {
            if attr.path().is_ident("doc") {
                if let syn::Meta::NameValue(syn::MetaNameValue {
                    value:
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }),
                    ..
                }) = &attr.meta
                {
                    doc.push(s.value());
                }
                continue;
            }
            if attr.path().is_ident(METRICS) {
                cx.error_spanned_by(
                    attr.path(),
                    "`#[metrics(...)]` goes on the struct; on a field, use `#[metric(name = \"...\", help = \"...\")]`",
                );
                continue;
            }
            if !attr.path().is_ident(METRIC) {
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(NAME) {
                    name.set(cx, &meta.path, meta.value()?.parse()?);
                } else if meta.path.is_ident(HELP) {
                    help.set(cx, &meta.path, meta.value()?.parse()?);
                } else if meta.path.is_ident(BUCKETS) {
                    let value = meta.value()?;
                    if value.peek(syn::token::Bracket) {
                        buckets.set(cx, &meta.path, value.parse()?);
                    } else {
                        let expr: syn::Expr = value.parse()?;
                        cx.error_spanned_by(
                            expr,
                            "`buckets` must be a list of number literals, like `buckets = [0.1, 0.5, 1.0]`",
                        );
                    }
                } else if meta.path.is_ident(LIMIT) {
                    limit.set(cx, &meta.path, meta.value()?.parse()?);
                } else {
                    let container_key = [NAMESPACE, SUBSYSTEM, MAX_SERIES, CRATE]
                        .iter()
                        .any(|k| meta.path.is_ident(k));
                    let hint = if container_key {
                        "; this key goes on the struct, in `#[metrics(...)]`"
                    } else {
                        ""
                    };
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "{}{hint}",
                            unknown_key_message(METRIC, &meta.path, &[NAME, HELP, BUCKETS, LIMIT])
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
        Field {
            name: name.get(),
            help: help.get(),
            buckets: buckets.get(),
            limit: limit.get(),
            doc,
        }
    }
}

/// A doc comment as a HELP text: each line trimmed, lines of a paragraph joined with a
/// space, paragraphs with a newline (which the encoders escape as `\n`).
pub(crate) fn doc_to_help(lines: &[String]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines.iter().flat_map(|l| l.split('\n')) {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n")
}
