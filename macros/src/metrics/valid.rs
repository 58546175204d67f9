//! Checks on the parsed struct, and the facts `expand` needs: each field's full metric
//! name (namespace_subsystem_name), its HELP text, its bucket bounds and its limit.

use std::collections::HashMap;

use proc_macro2::Span;

use promenade_rules::MetricType;

use super::ast::{self, Struct};
use super::attr::Container;
use crate::ctxt::Ctxt;
use crate::families::type_text;
use crate::names::{label_name_error, metric_name_error, metric_name_fix, unraw, InvalidName};
use crate::symbol::{BUCKETS, CALLBACK, LABELS, LIMIT, NESTED, PREFIX};

pub(crate) struct Checked<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) vis: &'a syn::Visibility,
    /// The fields in declaration order (the exposition's order).
    pub(crate) members: Vec<Member<'a>>,
    /// Pairs of metric fields (indices into `members`) whose names differ but could still
    /// expose a common sample name, depending on their metric types (`x` as a counter,
    /// `x_total` as a gauge): checked at const time, where the types are known.
    pub(crate) maybe_clashing: Vec<(usize, usize)>,
    /// `max_series = N`, checked against the fields' series at const time.
    pub(crate) max_series: Option<syn::LitInt>,
    /// Whether the struct has a `global()` that joins the default registry by itself
    /// (`#[metrics(self_register = false)]` says no).
    pub(crate) self_register: bool,
    /// Labels on every series, checked: names and values.
    pub(crate) const_labels: Vec<(String, String, Span)>,
}

pub(crate) enum Member<'a> {
    Metric(Box<Field<'a>>),
    Nested(Nested<'a>),
}

pub(crate) struct Field<'a> {
    pub(crate) member: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    /// The full metric name (a counter's `_total` still on, if written), with its unit.
    pub(crate) name: String,
    /// With a unit: the name if the field is a counter (the unit goes before `_total`).
    pub(crate) counter_name: Option<String>,
    /// The `name = "..."` literal, or the field's name.
    pub(crate) name_span: Span,
    pub(crate) help: String,
    /// `unit = "..."`, for the const check that the type takes one.
    pub(crate) unit: Option<syn::LitStr>,
    /// `multiprocess = "..."`: the literal and the mode's index.
    pub(crate) multiprocess: Option<(syn::LitStr, usize)>,
    /// The bounds, if `buckets` was given (known: the finite ones, a trailing infinity
    /// dropped; or a constant, checked at compile time by the expansion).
    pub(crate) buckets: Option<crate::buckets::Bounds>,
    pub(crate) limit: Option<syn::Expr>,
    /// `callback = path`: the function a `CallbackGauge` field is built from.
    pub(crate) callback: Option<syn::ExprPath>,
    /// `labels = T` on a field written `Family<L, M>`: the key and `T`, checked at const
    /// time to be `L`.
    pub(crate) labels: Option<(syn::Path, syn::Type)>,
}

/// `#[metric(nested)] db: DbMetrics`: its families exposed under this struct's prefix.
pub(crate) struct Nested<'a> {
    pub(crate) member: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    /// What the child's names are prefixed with: this struct's `namespace_subsystem_`
    /// and the field's `prefix`.
    pub(crate) prefix: String,
}

impl Member<'_> {
    pub(crate) fn member(&self) -> &syn::Ident {
        match self {
            Member::Metric(f) => f.member,
            Member::Nested(n) => n.member,
        }
    }
}

/// Checks the struct, reporting every mistake to `cx`, and says which fields are sound:
/// read without error and with no mistake of their own (`sound[i]` for `members[i]`). A
/// mistake in the container's prefix is its own, reported once: the fields' names are
/// checked against a stand-in for it (see [`Prefix`]). A name used by two fields is a
/// mistake of the pair, reported here, and leaves each field sound. The `Checked` holds
/// every field, and of the constant labels only the sound ones.
pub(crate) fn check<'a>(
    cx: &mut Ctxt,
    container: &Container,
    s: Struct<'a>,
) -> (Checked<'a>, Vec<bool>) {
    let prefix = prefix(cx, container);
    let mut members = Vec::with_capacity(s.fields.len());
    let mut sound = Vec::with_capacity(s.fields.len());
    for f in s.fields {
        let attrs_sound = f.sound;
        let (member, valid) = cx.sound(|cx| match f.attrs.nested {
            Some(_) => Member::Nested(nested(cx, &prefix, f)),
            None => Member::Metric(Box::new(field(cx, &prefix, container.families_below, f))),
        });
        members.push(member);
        sound.push(attrs_sound && valid);
    }
    let fields = || {
        members.iter().enumerate().filter_map(|(i, m)| match m {
            Member::Metric(f) => Some((i, f)),
            Member::Nested(_) => None,
        })
    };

    let mut first_with_name: HashMap<&str, &syn::Ident> = HashMap::new();
    for (_, f) in fields() {
        if let Some(first) = first_with_name.get(f.name.as_str()) {
            cx.syn_error(syn::Error::new(
                f.name_span,
                format!(
                    "metric name `{}` is used twice (fields `{first}` and `{}`); give one of them another name with `#[metric(name = \"...\")]`",
                    f.name, f.member
                ),
            ));
        } else {
            first_with_name.insert(&f.name, f.member);
        }
    }
    let mut maybe_clashing = Vec::new();
    for (i, a) in fields() {
        for (j, b) in fields().filter(|(j, _)| *j > i) {
            let names = |f: &Field<'_>| {
                let mut v = vec![f.name.clone()];
                v.extend(f.counter_name.clone());
                v
            };
            let clash = names(a)
                .iter()
                .any(|x| names(b).iter().any(|y| x != y && may_clash(x, y)));
            if clash {
                maybe_clashing.push((i, j));
            }
        }
    }
    let checked = Checked {
        ident: s.ident,
        vis: s.vis,
        members,
        maybe_clashing,
        max_series: container.max_series.clone(),
        self_register: container.self_register.as_ref().is_none_or(|b| b.value),
        const_labels: const_labels(cx, container),
    };
    (checked, sound)
}

/// Constant labels: valid, distinct names, and none a histogram or summary reserves. The
/// ones with a mistake are reported and left out (a repeat keeps the first), so the rest
/// are still checked against the fields' label sets.
fn const_labels(cx: &mut Ctxt, container: &Container) -> Vec<(String, String, Span)> {
    let mut out: Vec<(String, String, Span)> = Vec::new();
    for (ident, value) in &container.const_labels {
        let name = unraw(ident);
        let (_, sound) = cx.sound(|cx| {
            // A constant label goes on every series, so it may not be what any type reserves.
            let reserved = promenade_rules::reserved_label(MetricType::Histogram, "", &name).or(
                promenade_rules::reserved_label(MetricType::Summary, "", &name),
            );
            if let Some(reason) = label_name_error(&name).or(reserved) {
                cx.error_spanned_by(
                    ident,
                    format!(
                        "{}; choose another name for this constant label",
                        InvalidName::label(&name, reason)
                    ),
                );
            }
        });
        if out.iter().any(|(n, ..)| *n == name) {
            cx.error_spanned_by(
                ident,
                format!("constant label `{name}` is given twice; keep only one"),
            );
            continue;
        }
        if sound {
            out.push((name, value.value(), ident.span()));
        }
    }
    out
}

/// The struct's `namespace_subsystem_`, as written and as checked. Each invalid part is
/// reported once, at its literal, and replaced in `checked` by a valid stand-in, so the
/// names below it (the subsystem, each field's, a nested prefix) are checked for their
/// own mistakes only. Names compared between fields keep `written`: two fields clash
/// whatever their common prefix.
struct Prefix {
    written: String,
    checked: String,
}

impl Prefix {
    /// `rest` after the prefix: as written, and as checked.
    fn join(&self, rest: &str) -> (String, String) {
        (
            format!("{}{rest}", self.written),
            format!("{}{rest}", self.checked),
        )
    }
}

fn prefix(cx: &mut Ctxt, container: &Container) -> Prefix {
    let mut prefix = Prefix {
        written: String::new(),
        checked: String::new(),
    };
    for (what, lit) in [
        ("namespace", &container.namespace),
        ("subsystem", &container.subsystem),
    ] {
        let Some(lit) = lit else { continue };
        let part = lit.value();
        if part.is_empty() {
            continue;
        }
        // Checked as the start of a name, so the rules read the same as for a name.
        let (written, checked) = prefix.join(&part);
        let checked = match metric_name_error(&checked) {
            Some(reason) => {
                cx.error_spanned_by(lit, prefix_message(what, &part, reason));
                prefix.join(STAND_IN).1
            }
            None => checked,
        };
        prefix = Prefix {
            written: format!("{written}_"),
            checked: format!("{checked}_"),
        };
    }
    prefix
}

/// What an invalid namespace, subsystem or prefix stands for in the names checked after it.
const STAND_IN: &str = "x";

/// An invalid namespace, subsystem or prefix: why, and the fix (the spelling with `_` for
/// each character a name cannot have, when that is a valid start of a name).
fn prefix_message(what: &str, part: &str, reason: &str) -> String {
    let fix = match metric_name_fix(part) {
        Some(fixed) => format!("write `{fixed}` or choose another {what}"),
        None => format!("choose another {what}"),
    };
    let whose = if what == "prefix" {
        "the nested struct"
    } else {
        "this struct"
    };
    format!("invalid {what} `{part}`: it begins every metric name of {whose}, and {reason}; {fix}")
}

fn nested<'a>(cx: &mut Ctxt, prefix: &Prefix, f: ast::Field<'a>) -> Nested<'a> {
    for (key, span) in &f.attrs.keys {
        if *key == LABELS {
            cx.syn_error(syn::Error::new(
                *span,
                "`labels` does not apply to a nested struct: its families carry their own label sets (and this struct's `const_labels` reach all of them); remove `labels = ...`",
            ));
        } else if ![NESTED, PREFIX].contains(key) {
            cx.syn_error(syn::Error::new(
                *span,
                format!("`{key}` does not apply to a nested struct (its fields carry their own); a nested field takes only `prefix = \"...\"`"),
            ));
        }
    }
    let mut full = prefix.written.clone();
    if let Some(lit) = &f.attrs.prefix {
        let part = lit.value();
        let (composed, checked) = prefix.join(&part);
        if let Some(reason) = metric_name_error(&checked) {
            cx.error_spanned_by(lit, prefix_message("prefix", &part, reason));
        }
        full = format!("{composed}_");
    }
    Nested {
        member: f.member,
        ty: f.ty,
        prefix: full,
    }
}

/// Units a name may already end with: a different one than `unit = "..."` is a mistake.
const KNOWN_UNITS: &[&str] = &[
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
    "minutes",
    "hours",
    "days",
    "bytes",
    "kilobytes",
    "megabytes",
    "gigabytes",
    "bits",
    "ratio",
    "percent",
    "celsius",
    "meters",
    "grams",
    "volts",
    "amperes",
    "joules",
    "hertz",
];

/// `unit = "..."` checked: its spelling, and against the name's suffix.
fn check_unit(cx: &mut Ctxt, lit: &syn::LitStr, base: &str) -> Option<String> {
    let unit = lit.value();
    let well_formed = !unit.is_empty()
        && !unit.starts_with('_')
        && !unit.ends_with('_')
        && unit
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        cx.error_spanned_by(
            lit,
            format!("invalid unit \"{unit}\": a unit is lowercase letters, digits and inner `_`, like \"seconds\" or \"bytes\""),
        );
        return None;
    }
    if promenade_rules::samples::is_sample_suffix(&format!("_{unit}")) {
        cx.error_spanned_by(
            lit,
            format!("\"{unit}\" is a suffix Prometheus adds to samples, not a unit; use a unit like \"seconds\" or \"bytes\""),
        );
        return None;
    }
    if !base.ends_with(&format!("_{unit}")) {
        if let Some(other) = KNOWN_UNITS
            .iter()
            .find(|u| base.ends_with(&format!("_{u}")))
        {
            cx.error_spanned_by(
                lit,
                format!("the name `{base}` already ends with the unit `{other}`, which is not \"{unit}\"; make them agree (rename the metric, or change the unit)"),
            );
            return None;
        }
    }
    Some(unit)
}

/// `name` with `_unit` appended, unless it already ends with it.
fn with_unit(name: &str, unit: &str) -> String {
    if name.ends_with(&format!("_{unit}")) || name == unit {
        name.to_owned()
    } else {
        format!("{name}_{unit}")
    }
}

fn field<'a>(cx: &mut Ctxt, prefix: &Prefix, families_below: bool, f: ast::Field<'a>) -> Field<'a> {
    if let Some(lit) = &f.attrs.prefix {
        cx.error_spanned_by(
            lit,
            "`prefix` applies to a nested struct (`#[metric(nested, prefix = \"...\")]`); for a metric, set its name with `name = \"...\"`",
        );
    }
    let (short, name_span) = match &f.attrs.name {
        Some(lit) => (lit.value(), lit.span()),
        None => (unraw(f.member), f.member.span()),
    };
    let written = format!("{}{short}", prefix.written);
    // With a unit: `x` becomes `x_seconds`; a counter `x_total` becomes
    // `x_seconds_total` (the unit before the counter's suffix); never twice.
    let (name, counter_name) = match f.attrs.unit.as_ref().and_then(|lit| {
        let base = written.strip_suffix("_total").unwrap_or(&written);
        check_unit(cx, lit, base)
    }) {
        Some(unit) => {
            let base = written.strip_suffix("_total").unwrap_or(&written);
            let counter = format!("{}_total", with_unit(base, &unit));
            (with_unit(&written, &unit), Some(counter))
        }
        None => (written, None),
    };
    // The name after the prefix, checked after the prefix's stand-in (a unit only adds to
    // the end, so `name` starts with the prefix as written).
    let (_, checked) = prefix.join(&name[prefix.written.len()..]);
    let error = if f.attrs.utf8.is_some() {
        promenade_rules::names::utf8_metric_name_error(&checked)
    } else {
        metric_name_error(&checked)
    };
    if let Some(reason) = error {
        let utf8_fits = f.attrs.utf8.is_none()
            && promenade_rules::names::utf8_metric_name_error(&checked).is_none();
        let fix = if utf8_fits && f.attrs.name.is_some() {
            "choose another name, or mark it a UTF-8 name: `#[metric(name = \"...\", utf8)]`"
        } else if f.attrs.name.is_some() {
            "choose another name"
        } else {
            "set another with `#[metric(name = \"...\")]`"
        };
        cx.syn_error(syn::Error::new(
            name_span,
            format!("{}; {fix}", InvalidName::metric(&name, reason)),
        ));
    }

    let help = match &f.attrs.help {
        Some(lit) => {
            let help = lit.value();
            if help.trim().is_empty() {
                cx.error_spanned_by(
                    lit,
                    format!("the help text of metric `{name}` is empty; say what it measures"),
                );
            }
            help
        }
        None => crate::help::from_doc(&f.attrs.doc).unwrap_or_default(),
    };
    if help.is_empty() && f.attrs.help.is_none() {
        cx.error_spanned_by(
            f.member,
            format!("metric `{name}` has no help text; add a doc comment or `#[metric(help = \"...\")]`"),
        );
    }

    let buckets = f.attrs.buckets.as_ref().and_then(|expr| {
        let (bounds, mistakes) = crate::buckets::read(expr);
        if let Some(e) = mistakes {
            cx.syn_error(e);
        }
        bounds
    });

    if let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(n),
        ..
    })) = &f.attrs.limit
    {
        if n.base10_parse::<usize>().ok() == Some(0) {
            cx.error_spanned_by(
                n,
                "a `limit` of 0 would send every label set to the overflow series; allow at least 1 series",
            );
        }
    }

    if f.attrs.callback.is_some() {
        for (key, span) in f
            .attrs
            .keys
            .iter()
            .filter(|(k, _)| [BUCKETS, LIMIT, LABELS].contains(k))
        {
            cx.syn_error(syn::Error::new(
                *span,
                format!("`{key}` and `{CALLBACK}` cannot go together: `{CALLBACK}` is for a `CallbackGauge`, one value read from a function at each scrape; remove one of them"),
            ));
        }
    }

    let labels = match &f.attrs.labels {
        // Reported with `callback` above.
        Some(_) if f.attrs.callback.is_some() => None,
        Some((key, labels)) if !crate::families::is_family(f.ty) => {
            // With the attribute below the derive, that misplacement is the one message.
            if !families_below {
                let (labels, metric) = (type_text(labels), type_text(f.ty));
                cx.error_spanned_by(
                    key,
                    format!(
                        "field `{}` is a `{metric}`, not a family, so `labels = {labels}` has no family to name (a derive cannot change a field's type); put `#[promenade::families]` above `#[derive(Metrics)]` to make it a `Family<{labels}, {metric}>`, or write that type yourself",
                        f.member
                    ),
                );
            }
            None
        }
        other => other.clone(),
    };

    Field {
        member: f.member,
        ty: f.ty,
        name,
        counter_name,
        name_span,
        help,
        unit: f.attrs.unit.clone(),
        multiprocess: f.attrs.multiprocess.clone(),
        buckets,
        limit: f.attrs.limit.clone(),
        callback: f.attrs.callback.clone(),
        labels,
    }
}

/// Whether two different names could expose a common sample name for some pair of metric
/// types (the clash rule of `promenade_rules::samples`); the const check, which knows the
/// types, is exact.
fn may_clash(a: &str, b: &str) -> bool {
    promenade_rules::samples::may_clash(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` on `input`: every message, each field's soundness, each metric field's name,
    /// the pairs that may clash and the constant labels kept.
    struct Run {
        messages: Vec<String>,
        sound: Vec<bool>,
        names: Vec<String>,
        maybe_clashing: Vec<(usize, usize)>,
        const_labels: Vec<String>,
    }

    fn run(input: &syn::DeriveInput) -> Run {
        let mut cx = Ctxt::new();
        let container = Container::from_attrs(&mut cx, &input.attrs);
        let s = Struct::from_input(&mut cx, input).expect("a struct with named fields");
        let (checked, sound) = check(&mut cx, &container, s);
        let names = checked
            .members
            .iter()
            .filter_map(|m| match m {
                Member::Metric(f) => Some(f.name.clone()),
                Member::Nested(_) => None,
            })
            .collect();
        let const_labels = checked
            .const_labels
            .iter()
            .map(|(n, ..)| n.clone())
            .collect();
        let messages = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        Run {
            messages,
            sound,
            names,
            maybe_clashing: checked.maybe_clashing,
            const_labels,
        }
    }

    #[test]
    fn an_invalid_namespace_is_reported_once_and_leaves_the_fields_sound() {
        let run = run(&syn::parse_quote! {
            #[metrics(namespace = "9jobs", subsystem = "batch")]
            struct JobMetrics {
                /// Jobs done.
                done: Counter,
                /// Jobs done, as a gauge.
                done_total: Gauge,
                /// Jobs failed.
                #[metric(name = "failed-jobs")]
                failed: Counter,
            }
        });
        assert_eq!(
            run.messages,
            [
                "invalid namespace `9jobs`: it begins every metric name of this struct, and a metric name must start with a letter, `_` or `:`; choose another namespace",
                "invalid metric name \"9jobs_batch_failed-jobs\": a metric name may only contain ASCII letters, digits, `_` and `:`; choose another name, or mark it a UTF-8 name: `#[metric(name = \"...\", utf8)]`",
            ]
        );
        assert_eq!(run.sound, [true, true, false]);
        // Compared as written: the pair clashes whatever the prefix.
        assert_eq!(
            run.names,
            [
                "9jobs_batch_done",
                "9jobs_batch_done_total",
                "9jobs_batch_failed-jobs"
            ]
        );
        assert_eq!(run.maybe_clashing, [(0, 1)]);
    }

    #[test]
    fn an_invalid_subsystem_after_a_valid_namespace_is_reported_at_the_subsystem() {
        let run = run(&syn::parse_quote! {
            #[metrics(namespace = "jobs", subsystem = "batch-2")]
            struct JobMetrics {
                /// Jobs done.
                done: Counter,
            }
        });
        assert_eq!(
            run.messages,
            ["invalid subsystem `batch-2`: it begins every metric name of this struct, and a metric name may only contain ASCII letters, digits, `_` and `:`; write `batch_2` or choose another subsystem"]
        );
        assert_eq!(run.sound, [true]);
        assert_eq!(run.names, ["jobs_batch-2_done"]);
    }

    #[test]
    fn constant_labels_with_a_mistake_are_left_out_and_the_others_kept() {
        let run = run(&syn::parse_quote! {
            #[metrics(const_labels(__region = "eu", le = "1", env = "prod", env = "dev", host = "a"))]
            struct JobMetrics {
                /// Jobs done.
                done: Counter,
            }
        });
        assert_eq!(
            run.messages,
            [
                "invalid label name \"__region\": label names starting with `__` are reserved for Prometheus' own use; choose another name for this constant label",
                "invalid label name \"le\": `le` is reserved for a histogram's bucket bounds; choose another name for this constant label",
                "constant label `env` is given twice; keep only one",
            ]
        );
        assert_eq!(run.const_labels, ["env", "host"]);
        assert_eq!(run.sound, [true]);
    }

    #[test]
    fn a_name_used_by_two_fields_leaves_each_sound() {
        let run = run(&syn::parse_quote! {
            struct JobMetrics {
                /// Jobs done.
                done: Counter,
                /// Jobs done again.
                #[metric(name = "done")]
                again: Counter,
                /// No help text follows.
                #[metric(help = "")]
                empty: Counter,
            }
        });
        assert_eq!(
            run.messages,
            [
                "the help text of metric `empty` is empty; say what it measures",
                "metric name `done` is used twice (fields `done` and `again`); give one of them another name with `#[metric(name = \"...\")]`",
            ]
        );
        assert_eq!(run.sound, [true, true, false]);
    }
}
