//! `#[metrics(...)]` on the struct, `#[metric(...)]` and doc comments on its fields.

use proc_macro2::Span;

use crate::ctxt::{
    expr_value, for_each_key, limit_value, lit_int, lit_str, parse_crate, parse_flag, parse_str,
    unknown_key, Attr, Ctxt,
};
use crate::symbol::{
    BUCKETS, CALLBACK, CONST_LABELS, CRATE, FAMILIES, HELP, LABELS, LIMIT, MAX_SERIES, METRIC,
    METRICS, MULTIPROCESS, NAME, NAMESPACE, NESTED, PREFIX, SELF_REGISTER, SUBSYSTEM, UNIT, UTF8,
};

const CONTAINER_KEYS: &[&str] = &[
    NAMESPACE,
    SUBSYSTEM,
    CONST_LABELS,
    MAX_SERIES,
    SELF_REGISTER,
    CRATE,
];
const LIMIT_FORM: &str =
    "`limit` takes a number of series, like `limit = 100` (or a `usize` constant)";
const FIELD_KEYS: &[&str] = &[
    NAME,
    HELP,
    UNIT,
    BUCKETS,
    LIMIT,
    LABELS,
    CALLBACK,
    NESTED,
    PREFIX,
    UTF8,
    MULTIPROCESS,
];

/// `#[metrics(namespace = "...", subsystem = "...", const_labels(k = "v", ...),
/// max_series = N, self_register = false, crate = "...")]`.
#[derive(Default, Clone)]
pub(crate) struct Container {
    pub(crate) namespace: Option<syn::LitStr>,
    pub(crate) subsystem: Option<syn::LitStr>,
    /// Labels on every series of the struct: each name as written, and its value.
    pub(crate) const_labels: Vec<(syn::Ident, syn::LitStr)>,
    /// The budget of series the whole struct may expose, checked at compile time.
    pub(crate) max_series: Option<syn::LitInt>,
    /// `self_register = false`: no `global()`, nothing joins the default registry (a
    /// push job's struct, registered in its own registry). `None`: the default, `true`.
    pub(crate) self_register: Option<syn::LitBool>,
    pub(crate) krate: Option<syn::Path>,
    /// Whether a `crate = ...` had a mistake: the generated code's paths start with it, so
    /// after one nothing but the stub is emitted.
    pub(crate) krate_mistaken: bool,
    /// `#[promenade::families]` written below `#[derive(Metrics)]` (reported here): the
    /// derive saw the fields before it rewrote them, so `labels` on them says nothing more.
    pub(crate) families_below: bool,
}

impl Container {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut namespace = Attr::none(NAMESPACE);
        let mut subsystem = Attr::none(SUBSYSTEM);
        let mut krate = Attr::none(CRATE);
        let mut max_series = Attr::none(MAX_SERIES);
        let mut const_labels = Attr::none(CONST_LABELS);
        let mut self_register = Attr::none(SELF_REGISTER);
        let mut krate_mistaken = false;
        for attr in attrs.iter().filter(|a| a.path().is_ident(METRIC)) {
            cx.error_spanned_by(
                attr.path(),
                "`#[metric(...)]` goes on a field; on the struct, use `#[metrics(namespace = \"...\", subsystem = \"...\")]`",
            );
        }
        let families_below = families_below(cx, attrs);
        for_each_key(cx, attrs, METRICS, |cx, meta| {
            if meta.path.is_ident(NAMESPACE) {
                parse_str(cx, meta, &mut namespace, "myapp")
            } else if meta.path.is_ident(SUBSYSTEM) {
                parse_str(cx, meta, &mut subsystem, "http")
            } else if meta.path.is_ident(MAX_SERIES) {
                let value = expr_value(meta)?;
                match lit_int(&value) {
                    Some(lit) if lit.base10_parse::<usize>().is_ok() => {
                        max_series.set(cx, &meta.path, lit.clone());
                    }
                    _ => cx.error_spanned_by(
                        &value,
                        "`max_series` takes a whole number of series, like `max_series = 1000`",
                    ),
                }
                Ok(())
            } else if meta.path.is_ident(SELF_REGISTER) {
                match expr_value(meta)? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Bool(b),
                        ..
                    }) => self_register.set(cx, &meta.path, b),
                    other => cx.error_spanned_by(
                        other,
                        "`self_register` takes `true` or `false`, like `self_register = false` (the struct then has no `global()` and joins no registry by itself: build it with `new()` and register it where it belongs)",
                    ),
                }
                Ok(())
            } else if meta.path.is_ident(CRATE) {
                let (read, sound) = cx.sound(|cx| parse_crate(cx, meta, &mut krate));
                krate_mistaken |= !sound || read.is_err();
                read
            } else if meta.path.is_ident(CONST_LABELS) {
                let mut labels = Vec::new();
                meta.parse_nested_meta(|label| {
                    let Some(name) = label.path.get_ident().cloned() else {
                        cx.error_spanned_by(
                            &label.path,
                            "a constant label is written `name = \"value\"`, like `const_labels(env = \"prod\")`",
                        );
                        return crate::ctxt::skip_meta_value(&label);
                    };
                    let value = expr_value(&label)?;
                    match lit_str(&value) {
                        Some(lit) => labels.push((name, lit.clone())),
                        None => cx.error_spanned_by(
                            &value,
                            "a constant label's value is a string literal, like `const_labels(env = \"prod\")`",
                        ),
                    }
                    Ok(())
                })?;
                const_labels.set(cx, &meta.path, labels);
                Ok(())
            } else {
                // `labels` is also a field key: on the struct it reads as constant labels.
                let hint = if meta.path.is_ident(LABELS) {
                    "; constant labels are written `const_labels(name = \"value\", ...)` (a family field's label set, `labels = T`, goes on the field, in `#[metric(...)]`)"
                } else if FIELD_KEYS.iter().any(|k| meta.path.is_ident(k)) {
                    "; this key goes on a field, in `#[metric(...)]`"
                } else {
                    ""
                };
                unknown_key(cx, meta, METRICS, CONTAINER_KEYS, hint)
            }
        });
        Container {
            namespace: namespace.get(),
            subsystem: subsystem.get(),
            const_labels: const_labels.get().unwrap_or_default(),
            max_series: max_series.get(),
            self_register: self_register.get(),
            krate: krate.get(),
            krate_mistaken,
            families_below,
        }
    }
}

/// An attribute macro below the derive runs after it, on the struct the derive already
/// saw: `#[promenade::families]` there (by any path ending in `families`) is reported, and
/// is the one message (it still rewrites the struct, and the derive emits its stub).
fn families_below(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> bool {
    let mut found = false;
    for attr in attrs {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == FAMILIES) {
            cx.error_spanned_by(
                attr,
                "`#[promenade::families]` must come above `#[derive(Metrics)]`: an attribute below a derive runs after it, so the derive saw each `labels = ...` field before it became a family; move this line above `#[derive(Metrics)]`",
            );
            found = true;
        }
    }
    found
}

/// `#[metric(name = "...", help = "...", unit = "...", buckets = [...], limit = N,
/// callback = path)]`, or `#[metric(nested, prefix = "...")]`, and the doc comment.
#[derive(Default, Clone)]
pub(crate) struct Field {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) help: Option<syn::LitStr>,
    pub(crate) unit: Option<syn::LitStr>,
    /// `multiprocess = "livesum"`: a gauge's mode in multiprocess mode, with its index in
    /// `promenade_rules::multiprocess::GAUGE_MODES` (checked here).
    pub(crate) multiprocess: Option<(syn::LitStr, usize)>,
    /// The bounds as written (a list, `linear(..)`, `exponential(..)`, a constant's
    /// path); `valid` reads them.
    pub(crate) buckets: Option<syn::Expr>,
    pub(crate) limit: Option<syn::Expr>,
    /// `callback = path::to_fn`: the `fn() -> f64` a `CallbackGauge` reads at each scrape.
    pub(crate) callback: Option<syn::ExprPath>,
    /// `labels = T`: the key (for spans) and the label set, which must be the `L` of the
    /// field's `Family<L, M>` (what `#[promenade::families]` makes of `M`).
    pub(crate) labels: Option<(syn::Path, syn::Type)>,
    /// `nested`: the field is a `#[derive(Metrics)]` struct.
    pub(crate) nested: Option<Span>,
    /// `prefix = "..."`: a nested struct's names start with it.
    pub(crate) prefix: Option<syn::LitStr>,
    /// `utf8`: the name is checked as a UTF-8 name (`http.server.duration`), not with the
    /// legacy grammar.
    pub(crate) utf8: Option<Span>,
    /// The doc comment's lines, as written.
    pub(crate) doc: Vec<String>,
    /// Every key given, with its span, for the checks that say what a nested field takes.
    pub(crate) keys: Vec<(&'static str, Span)>,
}

impl Field {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut name = Attr::none(NAME);
        let mut help = Attr::none(HELP);
        let mut unit = Attr::none(UNIT);
        let mut multiprocess = Attr::none(MULTIPROCESS);
        let mut buckets = Attr::none(BUCKETS);
        let mut limit = Attr::none(LIMIT);
        let mut callback = Attr::none(CALLBACK);
        let mut labels = Attr::none(LABELS);
        let mut nested = Attr::none(NESTED);
        let mut prefix = Attr::none(PREFIX);
        let mut utf8 = Attr::none(UTF8);
        let mut keys = Vec::new();
        let doc = crate::help::doc_lines(attrs);
        for attr in attrs {
            if attr.path().is_ident(METRICS) {
                cx.error_spanned_by(
                    attr.path(),
                    "`#[metrics(...)]` goes on the struct; on a field, use `#[metric(name = \"...\", help = \"...\")]`",
                );
            }
        }
        for_each_key(cx, attrs, METRIC, |cx, meta| {
            if let Some(key) = FIELD_KEYS.iter().find(|k| meta.path.is_ident(k)) {
                keys.push((*key, syn::spanned::Spanned::span(&meta.path)));
            }
            if meta.path.is_ident(NAME) {
                parse_str(cx, meta, &mut name, "requests_total")
            } else if meta.path.is_ident(HELP) {
                parse_str(cx, meta, &mut help, "Requests served.")
            } else if meta.path.is_ident(UNIT) {
                parse_str(cx, meta, &mut unit, "seconds")
            } else if meta.path.is_ident(MULTIPROCESS) {
                parse_str(cx, meta, &mut multiprocess, "livesum")
            } else if meta.path.is_ident(PREFIX) {
                parse_str(cx, meta, &mut prefix, "db")
            } else if meta.path.is_ident(NESTED) {
                parse_flag(cx, meta, &mut nested)
            } else if meta.path.is_ident(UTF8) {
                parse_flag(cx, meta, &mut utf8)
            } else if meta.path.is_ident(BUCKETS) {
                let value = expr_value(meta)?;
                if matches!(
                    value,
                    syn::Expr::Array(_) | syn::Expr::Call(_) | syn::Expr::Path(_)
                ) {
                    buckets.set(cx, &meta.path, value);
                } else {
                    cx.error_spanned_by(
                        value,
                        format!("`buckets` takes {}", crate::buckets::FORMS),
                    );
                }
                Ok(())
            } else if meta.path.is_ident(LIMIT) {
                if let Some(value) = limit_value(cx, meta, LIMIT_FORM)? {
                    limit.set(cx, &meta.path, value);
                }
                Ok(())
            } else if meta.path.is_ident(CALLBACK) {
                match expr_value(meta)? {
                    syn::Expr::Path(path) => callback.set(cx, &meta.path, path),
                    other => cx.error_spanned_by(
                        other,
                        "`callback` names a function, like `callback = queue_depth`: write a `fn() -> f64` and give its path here",
                    ),
                }
                Ok(())
            } else if meta.path.is_ident(LABELS) {
                // Checked against the field's type in `valid` (a derive cannot change it:
                // `#[promenade::families]` does) and against the family's `L` at const time.
                // Twice reads as `#[promenade::families]` says it: one message.
                let value = meta.value()?;
                let fork = value.fork();
                let is_type = fork.parse::<syn::Type>().is_ok()
                    && (fork.is_empty() || fork.peek(syn::Token![,]));
                if is_type {
                    labels.set(cx, &meta.path, (meta.path.clone(), value.parse()?));
                } else {
                    let expr: syn::Expr = value.parse()?;
                    cx.error_spanned_by(
                        expr,
                        "`labels` takes the type of a label set, like `labels = RequestLabels` (a struct that derives `LabelSet`)",
                    );
                }
                Ok(())
            } else {
                let hint = if CONTAINER_KEYS.iter().any(|k| meta.path.is_ident(k)) {
                    "; this key goes on the struct, in `#[metrics(...)]`"
                } else {
                    ""
                };
                unknown_key(cx, meta, METRIC, FIELD_KEYS, hint)
            }
        });
        let multiprocess = multiprocess.get().and_then(|lit: syn::LitStr| {
            let value = lit.value();
            match promenade_rules::multiprocess::gauge_mode(&value) {
                Some(i) => Some((lit, i)),
                None => {
                    let modes = promenade_rules::multiprocess::GAUGE_MODES
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    cx.error_spanned_by(
                        &lit,
                        format!("unknown multiprocess mode \"{value}\": a gauge's mode is one of {modes}"),
                    );
                    None
                }
            }
        });
        Field {
            name: name.get(),
            help: help.get(),
            unit: unit.get(),
            multiprocess,
            buckets: buckets.get(),
            limit: limit.get(),
            callback: callback.get(),
            labels: labels.get(),
            nested: nested.get(),
            prefix: prefix.get(),
            utf8: utf8.get(),
            doc,
            keys,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(cx: Ctxt) -> Vec<String> {
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn every_struct_key_with_a_value_of_the_wrong_type_is_reported_and_the_rest_read() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(
                #[metrics(max_series = "10", namespace = 5, subsystem = http, const_labels(env = 1, region = "eu"), crate = 3)]
            ),
            syn::parse_quote!(#[metrics(namespace = "jobs")]),
        ];
        let mut cx = Ctxt::new();
        let c = Container::from_attrs(&mut cx, &attrs);
        assert_eq!(
            messages(cx),
            [
                "`max_series` takes a whole number of series, like `max_series = 1000`",
                "`namespace` takes a string literal, like `namespace = \"myapp\"`",
                "`subsystem` takes a string literal, like `subsystem = \"http\"`",
                "a constant label's value is a string literal, like `const_labels(env = \"prod\")`",
                "`crate` takes a path to the promenade crate in a string, like `crate = \"::my_crate::promenade\"`",
            ]
        );
        // What was right is kept: the second attribute's namespace, the other label.
        assert_eq!(c.namespace.map(|l| l.value()).as_deref(), Some("jobs"));
        let labels: Vec<_> = c
            .const_labels
            .iter()
            .map(|(n, v)| (n.to_string(), v.value()))
            .collect();
        assert_eq!(labels, [("region".to_owned(), "eu".to_owned())]);
        // A mistake in `crate` leaves the stub alone.
        assert!(c.krate_mistaken);
    }

    #[test]
    fn every_field_key_with_a_value_of_the_wrong_type_is_reported_and_the_rest_read() {
        let attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(
            #[metric(name = 5, help = x, unit = 1.0, prefix = db, limit = "10", labels = 5, callback = 1, buckets = 1, unit = "seconds")]
        )];
        let mut cx = Ctxt::new();
        let f = Field::from_attrs(&mut cx, &attrs);
        assert_eq!(
            messages(cx),
            [
                "`name` takes a string literal, like `name = \"requests_total\"`",
                "`help` takes a string literal, like `help = \"Requests served.\"`",
                "`unit` takes a string literal, like `unit = \"seconds\"`",
                "`prefix` takes a string literal, like `prefix = \"db\"`",
                "`limit` takes a number of series, like `limit = 100` (or a `usize` constant)",
                "`labels` takes the type of a label set, like `labels = RequestLabels` (a struct that derives `LabelSet`)",
                "`callback` names a function, like `callback = queue_depth`: write a `fn() -> f64` and give its path here",
                "`buckets` takes a list of numbers like `buckets = [0.1, 0.5, 1.0]`, `buckets = exponential(0.01, 2, 11)`, `buckets = linear(0.1, 0.1, 10)`, or the path of a `const` of type `[f64; N]` or `&[f64]`",
            ]
        );
        assert_eq!(f.unit.map(|l| l.value()).as_deref(), Some("seconds"));
        assert!(f.name.is_none() && f.limit.is_none() && f.labels.is_none());
    }

    #[test]
    fn broken_syntax_in_one_key_still_reads_the_next() {
        let attrs: Vec<syn::Attribute> =
            vec![syn::parse_quote!(#[metric(name = , help = "Jobs run.")])];
        let mut cx = Ctxt::new();
        let f = Field::from_attrs(&mut cx, &attrs);
        assert_eq!(messages(cx).len(), 1);
        assert_eq!(f.help.map(|l| l.value()).as_deref(), Some("Jobs run."));
    }
}
