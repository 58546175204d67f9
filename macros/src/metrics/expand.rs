//! What `#[derive(Metrics)]` generates, inside one `const _: () = { ... };`:
//! - `new()` (and `Default`) building every field, `global()` for the process-wide
//!   instance;
//! - `impl Collector`: one descriptor per metric field (a nested struct's, renamed under
//!   this struct's prefix), then its series, every one carrying the constant labels;
//! - `impl MetricGroup`, so the struct can be nested in another;
//! - an `AutoRegistration` so `global()` joins the default registry by itself (unless the
//!   struct is nested somewhere: then its parent exposes it);
//! - const checks for what only the type system knows (see [`const_checks`]).

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use super::valid::{Checked, Field, Member, Nested};

/// The const items naming field `i`'s type, name and definition site.
struct Consts {
    ty: syn::Ident,
    name: syn::Ident,
    at: syn::Ident,
    /// Its bucket bounds (`&[f64]`), when it has `buckets = ...`.
    buckets: syn::Ident,
}

fn consts(i: usize) -> Consts {
    Consts {
        ty: format_ident!("__PROMENADE_TYPE_{}", i),
        name: format_ident!("__PROMENADE_NAME_{}", i),
        at: format_ident!("__PROMENADE_DEFINED_AT_{}", i),
        buckets: format_ident!("__PROMENADE_BUCKETS_{}", i),
    }
}

pub(crate) fn expand(s: &Checked<'_>, krate: &TokenStream) -> TokenStream {
    let private = quote!(#krate::__private);
    let ident = s.ident;
    let vis = s.vis;
    let ident_str = ident.to_string();

    let items = member_items(s, &ident_str, &private);

    let builds = s.members.iter().enumerate().map(|(i, m)| {
        let member = m.member();
        let build = build_member(m, &consts(i), &private);
        quote!(#member: #build)
    });

    let descriptor = |f: &Field<'_>, c: &Consts| {
        let (type_const, name_const, at_const) = (&c.ty, &c.name, &c.at);
        let help = &f.help;
        let new = quote!(#private::Descriptor::new(#name_const, #help, #type_const, #at_const));
        // Exposed as OpenMetrics' `# UNIT`; the name already ends with it.
        let unit = f.unit.as_ref().map(|unit| {
            quote!(__promenade_descriptor.unit =
                ::core::option::Option::Some(::core::convert::From::from(#unit));)
        });
        let mode = f.multiprocess.as_ref().map(|(_, i)| {
            quote!(__promenade_descriptor.multiprocess_mode =
                ::core::option::Option::Some(#private::GaugeMode::ALL[#i]);)
        });
        if unit.is_none() && mode.is_none() {
            return new;
        }
        quote!({
            let mut __promenade_descriptor = #new;
            #unit
            #mode
            __promenade_descriptor
        })
    };

    let describes = s.members.iter().enumerate().map(|(i, m)| match m {
        Member::Metric(f) => {
            let d = descriptor(f, &consts(i));
            quote!(__promenade_all.push(#d);)
        }
        Member::Nested(n) => {
            let member = n.member;
            let renamed = format_ident!("__promenade_nested_{}", i);
            quote! {
                ::core::iter::Extend::extend(
                    &mut __promenade_all,
                    ::core::iter::Iterator::cloned(#renamed(&self.#member).iter()),
                );
            }
        }
    });

    let collects = s.members.iter().enumerate().map(|(i, m)| match m {
        Member::Metric(f) => {
            let ty = f.ty;
            let member = f.member;
            let d = descriptor(f, &consts(i));
            // The whole call spanned at the type: a field of the wrong type gets one
            // message, at the type.
            let collect = quote_spanned! {ty.span()=>
                <#ty as #private::MetricField>::collect_field(&self.#member, __promenade_sink)
            };
            quote! {
                #private::Sink::family(__promenade_sink, &#d);
                #collect;
            }
        }
        Member::Nested(n) => {
            let member = n.member;
            let ty = n.ty;
            let renamed = format_ident!("__promenade_nested_{}", i);
            // Spanned at the type, like every use of the nested type: one message if it
            // is not a `#[derive(Metrics)]` struct.
            quote_spanned! {ty.span()=>
                <#ty as #private::MetricGroup>::collect_nested(&self.#member, #renamed(&self.#member), __promenade_sink);
            }
        }
    });
    let collect_body = if s.const_labels.is_empty() {
        quote!(#(#collects)*)
    } else {
        let pairs = s.const_labels.iter().map(|(n, v, _)| quote!((#n, #v)));
        quote! {
            #private::with_const_labels(&[#(#pairs),*], __promenade_sink, |__promenade_sink| {
                #(#collects)*
            });
        }
    };

    let overflows = s.members.iter().enumerate().map(|(i, m)| match m {
        Member::Metric(f) => {
            let ty = f.ty;
            let member = f.member;
            let name_const = consts(i).name;
            let overflows = quote_spanned! {ty.span()=>
                <#ty as #private::MetricField>::field_overflows(&self.#member)
            };
            quote! {
                if let ::core::option::Option::Some(__promenade_n) = #overflows {
                    __promenade_report(#name_const, __promenade_n);
                }
            }
        }
        Member::Nested(n) => {
            let member = n.member;
            let prefix = &n.prefix;
            let ty = n.ty;
            quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::nested_overflows(&self.#member, #prefix, __promenade_report);)
        }
    });

    let shares = s
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| share(m, &consts(i), &private));
    let label_parts = {
        let names = s.const_labels.iter().map(|(n, ..)| n);
        let consts_part = quote!(&[#(#names),*]);
        let parts = s.members.iter().map(|m| match m {
            Member::Metric(f) => {
                let ty = f.ty;
                quote_spanned!(ty.span()=> <#ty as #private::MetricField>::LABEL_NAMES)
            }
            Member::Nested(n) => {
                let ty = n.ty;
                quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::LABEL_NAMES)
            }
        });
        quote!(&[#consts_part, #(#parts),*])
    };
    let may_block = s.members.iter().map(|m| match m {
        Member::Metric(f) => {
            let ty = f.ty;
            quote_spanned!(ty.span()=> <#ty as #private::MetricField>::NEEDS_CALLBACK)
        }
        Member::Nested(n) => {
            let ty = n.ty;
            quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::MAY_BLOCK)
        }
    });
    let nested_types = s.members.iter().filter_map(|m| match m {
        Member::Nested(n) => Some(n.ty),
        Member::Metric(_) => None,
    });

    let checks = const_checks(s, &private);

    // `#[metrics(self_register = false)]`: no process-wide instance, nothing submitted.
    let (global, self_registration) = if s.self_register {
        let global = quote! {
            /// The process-wide instance, built on first use. It joins the default
            /// registry by itself, so its series are scraped (at zero) from the start.
            #vis fn global() -> &'static Self {
                &__promenade_global().value
            }
        };
        let registration = quote! {
            fn __promenade_global() -> &'static #private::Global<#ident> {
                static __PROMENADE_GLOBAL: #private::OnceLock<#private::Global<#ident>> =
                    #private::OnceLock::new();
                __PROMENADE_GLOBAL.get_or_init(|| #private::Global::new(#ident::new()))
            }

            fn __promenade_register(
                __promenade_registry: &#private::Registry,
            ) -> ::core::result::Result<(), #private::Error> {
                #private::register_global(__promenade_registry, __promenade_global())
            }

            #private::inventory::submit! {
                #private::AutoRegistration { register: __promenade_register }
            }
        };
        (global, registration)
    } else {
        (quote!(), quote!())
    };

    quote! {
        const _: () = {
            #(#items)*

            const __PROMENADE_SHARES: &[#private::SeriesShare] = &[#(#shares),*];
            const __PROMENADE_LABEL_PARTS: &[&[&::core::primitive::str]] = #label_parts;
            const __PROMENADE_LABEL_NAMES: [&::core::primitive::str; #private::names_len(__PROMENADE_LABEL_PARTS)] =
                #private::concat_names(__PROMENADE_LABEL_PARTS);

            #(#checks)*

            #[automatically_derived]
            impl #ident {
                /// Every metric of this struct, at zero (histograms with their buckets,
                /// families with their series limits).
                #vis fn new() -> Self {
                    #ident { #(#builds),* }
                }

                #global
            }

            #[automatically_derived]
            impl ::core::default::Default for #ident {
                fn default() -> Self {
                    #ident::new()
                }
            }

            #[automatically_derived]
            impl #krate::Collector for #ident {
                fn describe(&self) -> #private::Vec<#private::Descriptor> {
                    let mut __promenade_all = #private::Vec::new();
                    #(#describes)*
                    __promenade_all
                }

                fn collect(&self, __promenade_sink: &mut dyn #private::Sink) {
                    #collect_body
                }

                fn overflows(
                    &self,
                    __promenade_report: &mut dyn ::core::ops::FnMut(&::core::primitive::str, ::core::primitive::u64),
                ) {
                    #(#overflows)*
                    let _ = __promenade_report;
                }

                fn may_block(&self) -> ::core::primitive::bool {
                    <Self as #private::MetricGroup>::MAY_BLOCK
                }
            }

            #[automatically_derived]
            impl #private::MetricGroup for #ident {
                const SERIES: ::core::primitive::usize = #private::total_series(__PROMENADE_SHARES);
                const LABEL_NAMES: &'static [&'static ::core::primitive::str] = &__PROMENADE_LABEL_NAMES;
                const MAY_BLOCK: ::core::primitive::bool = false #(|| #may_block)*;
                fn build_group() -> Self {
                    #ident::new()
                }
            }

            #self_registration

            #(
                #private::inventory::submit! {
                    #private::NestedIn { child: #private::type_id_of::<#nested_types> }
                }
            )*
        };
    }
}

/// Each member's items: a metric field's consts, a nested field's renamed descriptors.
fn member_items(s: &Checked<'_>, ident_str: &str, private: &TokenStream) -> Vec<TokenStream> {
    s.members
        .iter()
        .enumerate()
        .map(|(i, m)| match m {
            Member::Metric(f) => metric_consts(f, &consts(i), ident_str, private),
            Member::Nested(n) => nested_items(n, i, ident_str, private),
        })
        .collect()
}

/// The expression building one member, as `new()` does.
fn build_member(m: &Member<'_>, c: &Consts, private: &TokenStream) -> TokenStream {
    match m {
        Member::Metric(f) => build(f, c, private),
        Member::Nested(n) => {
            let ty = n.ty;
            quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::build_group())
        }
    }
}

/// A metric field's consts: its type, its exposed name (a counter's `_total` stripped, a
/// unit placed by type), and where it is defined.
fn metric_consts(f: &Field<'_>, c: &Consts, ident_str: &str, private: &TokenStream) -> TokenStream {
    let ty = f.ty;
    let (type_const, name_const, at_const) = (&c.ty, &c.name, &c.at);
    let field_type = quote_spanned!(ty.span()=> <#ty as #private::MetricField>::FIELD_TYPE);
    let name = &f.name;
    let chosen = match &f.counter_name {
        Some(counter) => quote!(#private::unit_name(#type_const, #counter, #name)),
        None => quote!(#name),
    };
    let member = f.member.to_string();
    // Once per field: a constant's block carries its check.
    let buckets = f.buckets.as_ref().map(|b| {
        let (name, bounds) = (&c.buckets, b.tokens(private));
        quote!(const #name: &[::core::primitive::f64] = #bounds;)
    });
    quote! {
        #buckets
        const #type_const: #private::MetricType = #field_type;
        const #name_const: &::core::primitive::str = #private::family_name(#type_const, #chosen);
        const #at_const: &::core::primitive::str = ::core::concat!(
            "`", #name, "` (field `", #member, "` of `", ::core::module_path!(), "::", #ident_str, "`)"
        );
    }
}

/// A nested field's renamed descriptors, computed once.
fn nested_items(n: &Nested<'_>, i: usize, ident_str: &str, private: &TokenStream) -> TokenStream {
    let ty = n.ty;
    let prefix = &n.prefix;
    let member = n.member.to_string();
    let renamed = format_ident!("__promenade_nested_{}", i);
    let nested_descriptors =
        quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::nested_descriptors);
    quote! {
        fn #renamed(__promenade_child: &#ty) -> &'static [#private::Descriptor] {
            static __PROMENADE_RENAMED: #private::OnceLock<#private::Vec<#private::Descriptor>> =
                #private::OnceLock::new();
            __PROMENADE_RENAMED.get_or_init(|| {
                #nested_descriptors(
                    __promenade_child,
                    #prefix,
                    ::core::concat!("field `", #member, "` of `", ::core::module_path!(), "::", #ident_str, "`"),
                )
            })
        }
    }
}

/// A field's share of the `max_series` budget.
fn share(m: &Member<'_>, c: &Consts, private: &TokenStream) -> TokenStream {
    match m {
        Member::Metric(f) => {
            let ty = f.ty;
            let type_const = &c.ty;
            // Every item through `<T as MetricField>`, so a field of the wrong type is one
            // unsatisfied obligation at one span: one message.
            let field = quote_spanned!(ty.span()=> <#ty as #private::MetricField>);
            let samples =
                quote_spanned!(ty.span()=> <#ty as #private::MetricField>::SAMPLES_PER_SERIES);
            // Only a literal or a named constant can be read at compile time; another
            // expression counts as no limit of the field's own.
            let limit = match &f.limit {
                Some(limit @ (syn::Expr::Lit(_) | syn::Expr::Path(_))) => {
                    quote!(::core::option::Option::Some(#limit))
                }
                _ => quote!(::core::option::Option::None),
            };
            let buckets = match &f.buckets {
                Some(_) => {
                    let bounds = &c.buckets;
                    quote!(::core::option::Option::Some(#bounds.len()))
                }
                None => quote!(::core::option::Option::None),
            };
            let what = format!("`{}`", f.counter_name.as_ref().unwrap_or(&f.name));
            quote! {
                #private::SeriesShare {
                    what: #what,
                    series: #private::field_series(#type_const, #field::LABEL_CARDINALITY, #field::LABEL_MAX_SERIES, #limit, #buckets, #samples),
                }
            }
        }
        Member::Nested(n) => {
            let ty = n.ty;
            let what = format!(
                "nested `{}` (field `{}`)",
                quote!(#ty).to_string().replace(' ', ""),
                n.member
            );
            quote! {
                #private::SeriesShare {
                    what: #what,
                    series: <#ty as #private::MetricGroup>::SERIES,
                }
            }
        }
    }
}

/// `<#ty as #trait_path>::#item`, spanned so that rustc reports an unsatisfied
/// `#ty: #trait_path` at the whole type: `<` takes the type's first token's span, the rest
/// its last token's. (An associated const is reported at the type by itself; a function
/// path at the path, which this makes the same span, so the two messages are one.)
fn qualified(ty: &syn::Type, trait_path: TokenStream, item: &str) -> TokenStream {
    let first = ty.span();
    let last = ty
        .to_token_stream()
        .into_iter()
        .last()
        .map_or(first, |t| t.span());
    let item = syn::Ident::new(item, last);
    let open = quote_spanned!(first=> <);
    let rest = quote_spanned!(last=> as #trait_path>::#item);
    quote!(#open #ty #rest)
}

/// The expression building one field.
fn build(f: &Field<'_>, c: &Consts, private: &TokenStream) -> TokenStream {
    let ty = f.ty;
    // `callback` on anything but a `CallbackGauge` reads "`Gauge` takes no callback" at the
    // type; a function of the wrong signature is reported at the path.
    if let Some(callback) = &f.callback {
        let path = qualified(ty, quote!(#private::TakesCallback), "build_with_callback");
        return quote_spanned!(ty.span()=> #path(#callback));
    }
    // Spanned at the field type: `buckets` on a counter reads "`Counter` takes no buckets"
    // there, `limit` on a plain metric "`Gauge` takes no series limit". No `Config` is
    // named here (see `MetricField::build_default`).
    let buckets = f.buckets.as_ref().map(|_| {
        let bounds = &c.buckets;
        quote!(#private::buckets(#bounds))
    });
    let (trait_path, item, args) = match (buckets, &f.limit) {
        (None, None) => (quote!(#private::MetricField), "build_default", quote!()),
        (Some(b), None) => (quote!(#private::WithBuckets), "build_with_buckets", b),
        (None, Some(limit)) => (
            quote!(#private::TakesLimit),
            "build_limited_default",
            quote!(#limit),
        ),
        (Some(b), Some(limit)) => (
            quote!(#private::WithBuckets),
            "build_limited_with_buckets",
            quote!(#b, #limit),
        ),
    };
    let path = qualified(ty, trait_path, item);
    quote_spanned!(ty.span()=> #path(#args))
}

/// Checks that need the field types, evaluated as consts: each panics with the message
/// the user reads, spanned at the field.
///
/// - a family over a label set with no bound needs `limit = N`;
/// - a `CallbackGauge` needs `callback = path`;
/// - a histogram's label set cannot have `le` (nor a summary's `quantile`);
/// - a unit only on types that take one;
/// - `labels = T` names the label set of the field's family;
/// - constant labels cannot repeat a label of any family (nested ones included);
/// - two fields cannot expose a common sample name (`x` as a counter, `x_total` as a gauge);
/// - the `max_series` budget, naming the biggest contributors.
fn const_checks(s: &Checked<'_>, private: &TokenStream) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for (i, m) in s.members.iter().enumerate() {
        let Member::Metric(f) = m else { continue };
        let type_const = consts(i).ty;
        let ty = f.ty;
        let span = f.member.span();
        let field = quote_spanned!(ty.span()=> <#ty as #private::MetricField>);
        let bounded = quote_spanned!(ty.span()=> #private::is_finite(#field::LABEL_MAX_SERIES));
        let names = quote_spanned!(ty.span()=> #field::LABEL_NAMES);
        let member = f.member;
        if f.limit.is_none() {
            let message = format!(
                "field `{member}` is a family over a label set with no bound on its series (a label declared `#[label(unbounded)]`, or an open label set written by hand); cap it with `limit = N` in its `#[metric(...)]` (label sets beyond N share one overflow series)",
            );
            checks.push(check(span, quote!(!#bounded), &message));
        }
        if f.callback.is_none() {
            let message = format!(
                "field `{member}` is a `CallbackGauge`, whose value is read from a function at each scrape; name that function with `#[metric(callback = path::to_fn)]` (a `fn() -> f64`)",
            );
            let needs = quote_spanned!(ty.span()=> <#ty as #private::MetricField>::NEEDS_CALLBACK);
            checks.push(check(span, needs, &message));
        }
        // `le` (histograms), `quantile` (summaries), a state set's own name: one check, the
        // message (which names the label) built at const time.
        let name_const = consts(i).name;
        let member_str = member.to_string();
        let panic = quote_spanned!(span=> ::core::panic!("{}", __promenade_message.as_str()));
        checks.push(quote! {
            const _: () = if let ::core::option::Option::Some(__promenade_label) =
                #private::first_reserved(#type_const, #name_const, #names)
            {
                let __promenade_message =
                    #private::reserved_label_message(#type_const, #name_const, #member_str, __promenade_label);
                #panic
            };
        });
        // `_total` on a gauge (a histogram, a summary, a state set): the registry's words.
        let panic =
            quote_spanned!(f.name_span=> ::core::panic!("{}", __promenade_message.as_str()));
        checks.push(quote! {
            const _: () = if let ::core::option::Option::Some(__promenade_message) =
                #private::type_suffix_message(#type_const, #name_const)
            {
                #panic
            };
        });
        if let Some((mode, _)) = &f.multiprocess {
            let message = format!(
                "field `{member}` is not a gauge: only gauges have a multiprocess mode (counters, histograms and summaries are summed over processes); remove `multiprocess = {}`",
                quote!(#mode)
            );
            checks.push(check(
                mode.span(),
                quote!(!#private::is_gauge(#type_const)),
                &message,
            ));
        }
        if let Some(unit) = &f.unit {
            let message = format!(
                "field `{member}` is an info or state set metric, which cannot have a unit; remove `unit = {}`",
                quote!(#unit)
            );
            checks.push(check(
                unit.span(),
                quote!(!#private::takes_unit(#type_const)),
                &message,
            ));
        }
        // Not when the family's `L` is read from `labels` (see
        // `families::labels_read_at_attribute`): it names it, and a `labels` that is not a
        // `LabelSet` is reported there once.
        if let Some((key, labels)) = f
            .labels
            .as_ref()
            .filter(|_| !crate::families::reads_labels_at_attribute(ty))
        {
            // Only type-checks when `labels` names the family's `L`. The field type is
            // moved to `labels`, so the trait's message (about the type) lands there; each
            // token keeps its hygiene (`#[promenade::families]`'s path stays the macro's,
            // which no lint reads as the user's).
            let family = crate::families::relocate(quote!(#ty), key.span());
            let same = quote_spanned!(key.span()=> #private::same_labels::<#family, #labels>);
            checks.push(quote!(const _: fn() = #same;));
        }
    }
    if let Some((_, _, span)) = s.const_labels.first() {
        let consts_names = s.const_labels.iter().map(|(n, ..)| n);
        for m in &s.members {
            let (names, member) = match m {
                Member::Metric(f) => {
                    let ty = f.ty;
                    (
                        quote_spanned!(ty.span()=> <#ty as #private::MetricField>::LABEL_NAMES),
                        f.member,
                    )
                }
                Member::Nested(n) => {
                    let ty = n.ty;
                    (
                        quote_spanned!(ty.span()=> <#ty as #private::MetricGroup>::LABEL_NAMES),
                        n.member,
                    )
                }
            };
            let consts_names = consts_names.clone();
            let after = format!(
                "` of `{}` is also a label of field `{member}`, so its series would carry it twice; rename one of them",
                s.ident
            );
            let panic = quote_spanned!(*span=> ::core::panic!("{}", __promenade_message.as_str()));
            checks.push(quote! {
                const _: () = if let ::core::option::Option::Some(__promenade_name) =
                    #private::first_common(&[#(#consts_names),*], #names)
                {
                    let __promenade_message = #private::name_message(
                        "constant label `",
                        ::core::option::Option::Some(__promenade_name),
                        #after,
                    );
                    #panic
                };
            });
        }
    }
    // A constant label named like a field's metric clashes if that field is a state set
    // (its states are a label named after it). `le` and `quantile` are refused in `valid`.
    for (i, m) in s.members.iter().enumerate() {
        let Member::Metric(f) = m else { continue };
        let (type_const, name_const) = (consts(i).ty, consts(i).name);
        for (label, _, span) in s
            .const_labels
            .iter()
            .filter(|(label, ..)| *label == f.name && label != "le" && label != "quantile")
        {
            let message = format!(
                "constant label `{label}` is also the name of state set field `{}`, whose states are a label named after the metric, so its series would carry `{label}` twice; rename the constant label, or rename the metric with `#[metric(name = \"...\")]`",
                f.member
            );
            checks.push(check(
                *span,
                quote!(#private::reserves_label(#type_const, #name_const, #label)),
                &message,
            ));
        }
    }
    for &(i, j) in &s.maybe_clashing {
        let (Member::Metric(a), Member::Metric(b)) = (&s.members[i], &s.members[j]) else {
            continue;
        };
        let (ca, cb) = (consts(i), consts(j));
        let (ta, tb, na, nb) = (&ca.ty, &cb.ty, &ca.name, &cb.name);
        let message = format!(
            "metrics `{}` (field `{}`) and `{}` (field `{}`) would expose the same sample name (counters add `_total`, histograms `_bucket`, `_sum` and `_count`); rename one of them with `#[metric(name = \"...\")]`",
            a.name, a.member, b.name, b.member
        );
        // A name its own type refuses (a gauge `x_total` beside a counter `x`) is reported
        // as that, once: renaming it ends the clash too.
        checks.push(check(
            b.name_span,
            quote!(#private::families_clash(#na, #ta, #nb, #tb)
                && #private::type_suffix_message(#ta, #na).is_none()
                && #private::type_suffix_message(#tb, #nb).is_none()),
            &message,
        ));
    }
    if let Some(budget) = &s.max_series {
        // Validated by `attr`; unsuffixed so that `500u32` still reads as a `usize`.
        let budget_value = Literal::usize_unsuffixed(budget.base10_parse().unwrap_or(usize::MAX));
        let ident = s.ident.to_string();
        let panic =
            quote_spanned!(budget.span()=> ::core::panic!("{}", __promenade_message.as_str()));
        checks.push(quote! {
            const _: () = if #private::total_series(__PROMENADE_SHARES) > #budget_value {
                let __promenade_message =
                    #private::budget_message(#ident, #budget_value, __PROMENADE_SHARES);
                #panic
            };
        });
    }
    checks
}

fn check(span: Span, condition: TokenStream, message: &str) -> TokenStream {
    let message = syn::LitStr::new(message, span);
    let panic = quote_spanned!(span=> ::core::panic!("{}", #message));
    quote! {
        const _: () = if #condition { #panic };
    }
}

/// What is emitted next to the errors. The struct-wide items (`new()`, `global()`, the
/// impls) need every part, so they are the stub; `s` holds only the parts that validated
/// (see `super::sound_parts`), and everything that checks those against their types is
/// emitted as the full expansion would: each field's consts (its type must be a metric),
/// its const checks, its `build` (its attributes against its type, never run), and the
/// checks between sound parts. So each mistake is reported once, in the same build, and
/// none follows from the stub.
pub(crate) fn expand_sound_parts(
    s: &Checked<'_>,
    input: &syn::DeriveInput,
    krate: &TokenStream,
) -> TokenStream {
    let private = quote!(#krate::__private);
    let items = member_items(s, &s.ident.to_string(), &private);
    let builds = s
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| build_member(m, &consts(i), &private));
    let shares = s
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| share(m, &consts(i), &private));
    let checks = const_checks(s, &private);
    let stub = stub(input, krate);
    quote! {
        #stub

        // What the stub does not use (the consts, the shares without a budget) is still
        // evaluated: it carries the checks.
        #[allow(dead_code)]
        const _: () = {
            #(#items)*

            const __PROMENADE_SHARES: &[#private::SeriesShare] = &[#(#shares),*];

            #(#checks)*

            const _: fn() = || {
                #(let _ = #builds;)*
            };
        };
    }
}

/// What is emitted next to the errors: the same items with empty bodies, so that code
/// using the struct (`HttpMetrics::global().requests`, `JobMetrics::<Counter>::new()` for a
/// generic one, nesting it) adds no errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let private = quote!(#krate::__private);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // A generic struct's impls state what `Collector` needs of it, so the stub adds no
    // errors about its parameters (a concrete struct is checked as it is).
    let where_clause = if input.generics.params.is_empty() {
        quote!(#where_clause)
    } else {
        let existing = where_clause.map(|w| &w.predicates);
        quote!(where #existing Self: ::core::marker::Send + ::core::marker::Sync + 'static,)
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #ident #ty_generics #where_clause {
                /// Every metric of this struct, at zero.
                #vis fn new() -> Self {
                    ::core::unimplemented!()
                }
                /// The process-wide instance.
                #vis fn global() -> &'static Self {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics ::core::default::Default for #ident #ty_generics #where_clause {
                fn default() -> Self {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics #krate::Collector for #ident #ty_generics #where_clause {
                fn describe(&self) -> #private::Vec<#private::Descriptor> {
                    ::core::unimplemented!()
                }
                fn collect(&self, _: &mut dyn #private::Sink) {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics #private::MetricGroup for #ident #ty_generics #where_clause {
                const SERIES: ::core::primitive::usize = 0;
                const LABEL_NAMES: &'static [&'static ::core::primitive::str] = &[];
                fn build_group() -> Self {
                    ::core::unimplemented!()
                }
            }
        };
    }
}
