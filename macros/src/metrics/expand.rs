//! What `#[derive(Metrics)]` generates, inside one `const _: () = { ... };`:
//! - `new()` (and `Default`) building every field, `global()` for the process-wide
//!   instance;
//! - `impl Collector`: one descriptor per field, then its series;
//! - an `AutoRegistration` so `global()` joins the default registry by itself;
//! - const checks for what only the type system knows (see [`const_checks`]).

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::valid::{Checked, Field};

pub(crate) fn expand(s: &Checked<'_>, krate: &TokenStream) -> TokenStream {
    let private = quote!(#krate::__private);
    let ident = s.ident;
    let vis = s.vis;
    let ident_str = ident.to_string();

    let type_consts: Vec<_> = (0..s.fields.len())
        .map(|i| format_ident!("__PROMENADE_TYPE_{}", i))
        .collect();
    let name_consts: Vec<_> = (0..s.fields.len())
        .map(|i| format_ident!("__PROMENADE_NAME_{}", i))
        .collect();
    let at_consts: Vec<_> = (0..s.fields.len())
        .map(|i| format_ident!("__PROMENADE_DEFINED_AT_{}", i))
        .collect();

    let consts = s.fields.iter().enumerate().map(|(i, f)| {
        let ty = f.ty;
        let (type_const, name_const, at_const) = (&type_consts[i], &name_consts[i], &at_consts[i]);
        let field_type = quote_spanned!(ty.span()=> <#ty as #private::MetricField>::FIELD_TYPE);
        let name = &f.name;
        let member = f.member.to_string();
        quote! {
            const #type_const: #private::MetricType = #field_type;
            const #name_const: &::core::primitive::str = #private::family_name(#type_const, #name);
            const #at_const: &::core::primitive::str = ::core::concat!(
                "`", #name, "` (field `", #member, "` of `", ::core::module_path!(), "::", #ident_str, "`)"
            );
        }
    });

    let builds = s.fields.iter().map(|f| {
        let member = f.member;
        let build = build(f, &private);
        quote!(#member: #build)
    });

    let descriptors: Vec<_> = s
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (type_const, name_const, at_const) =
                (&type_consts[i], &name_consts[i], &at_consts[i]);
            let help = &f.help;
            quote!(#private::Descriptor::new(#name_const, #help, #type_const, #at_const))
        })
        .collect();

    let collects = s.fields.iter().zip(&descriptors).map(|(f, descriptor)| {
        let ty = f.ty;
        let member = f.member;
        // The whole call spanned at the type: a field of the wrong type gets one message,
        // at the type.
        let collect = quote_spanned! {ty.span()=>
            <#ty as #private::MetricField>::collect_field(&self.#member, __promenade_sink)
        };
        quote! {
            #private::Sink::family(__promenade_sink, &#descriptor);
            #collect;
        }
    });

    let overflows = s.fields.iter().zip(&name_consts).map(|(f, name_const)| {
        let ty = f.ty;
        let member = f.member;
        let overflows = quote_spanned! {ty.span()=>
            <#ty as #private::MetricField>::field_overflows(&self.#member)
        };
        quote! {
            if let ::core::option::Option::Some(__promenade_n) = #overflows {
                __promenade_report(#name_const, __promenade_n);
            }
        }
    });

    let checks = const_checks(s, &private, &type_consts);

    quote! {
        const _: () = {
            #(#consts)*
            #(#checks)*

            #[automatically_derived]
            impl #ident {
                /// Every metric of this struct, at zero (histograms with their buckets,
                /// families with their series limits).
                #vis fn new() -> Self {
                    #ident { #(#builds),* }
                }

                /// The process-wide instance, built on first use. It joins the default
                /// registry by itself, so its series are scraped (at zero) from the start.
                #vis fn global() -> &'static Self {
                    static __PROMENADE_GLOBAL: #private::OnceLock<#ident> = #private::OnceLock::new();
                    __PROMENADE_GLOBAL.get_or_init(#ident::new)
                }
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
                    ::core::convert::From::from([#(#descriptors),*])
                }

                fn collect(&self, __promenade_sink: &mut dyn #private::Sink) {
                    #(#collects)*
                }

                fn overflows(
                    &self,
                    __promenade_report: &mut dyn ::core::ops::FnMut(&::core::primitive::str, ::core::primitive::u64),
                ) {
                    #(#overflows)*
                    let _ = __promenade_report;
                }
            }

            fn __promenade_register(
                __promenade_registry: &#private::Registry,
            ) -> ::core::result::Result<(), #private::Error> {
                #private::register_global(__promenade_registry, #ident::global())
            }

            #private::inventory::submit! {
                #private::AutoRegistration { register: __promenade_register }
            }
        };
    }
}

/// The expression building one field.
fn build(f: &Field<'_>, private: &TokenStream) -> TokenStream {
    let ty = f.ty;
    // Spanned at the field type: `buckets` on a counter reads "`Counter` takes no buckets"
    // there, `limit` on a plain metric "`Gauge` takes no series limit".
    let config = match &f.buckets {
        Some(bounds) => {
            let bounds = bounds.iter().map(|b| Literal::f64_suffixed(*b));
            let buckets = quote!(#private::buckets(&[#(#bounds),*]));
            quote_spanned!(ty.span()=> <#ty as #private::WithBuckets>::bucket_config(#buckets))
        }
        // Spanned too: its type is the field's `Config`.
        None => quote_spanned!(ty.span()=> ::core::default::Default::default()),
    };
    match &f.limit {
        Some(limit) => {
            quote_spanned!(ty.span()=> <#ty as #private::TakesLimit>::build_limited(#config, #limit))
        }
        None => quote_spanned!(ty.span()=> <#ty as #private::MetricField>::build(#config)),
    }
}

/// Checks that need the field types, evaluated as consts: each panics with the message
/// the user reads, spanned at the field.
///
/// - a family over an open label set needs `limit = N`;
/// - a histogram's label set cannot have `le` (nor a summary's `quantile`);
/// - two fields cannot expose a common sample name (`x` as a counter, `x_total` as a gauge).
fn const_checks(
    s: &Checked<'_>,
    private: &TokenStream,
    type_consts: &[syn::Ident],
) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for (f, type_const) in s.fields.iter().zip(type_consts) {
        let ty = f.ty;
        let span = f.member.span();
        let labels = quote_spanned!(ty.span()=> <<#ty as #private::MetricField>::Labels as #private::LabelSet>);
        let finite = quote_spanned!(ty.span()=> #private::is_finite(#labels::CARDINALITY));
        let names = quote_spanned!(ty.span()=> #labels::NAMES);
        let member = f.member;
        if f.limit.is_none() {
            let message = format!(
                "field `{member}` is a family over an open label set (a `String` or other unbounded label), so its number of series must be capped: add `limit = N` to its `#[metric(...)]` (label sets beyond N share one overflow series)",
            );
            checks.push(check(span, quote!(!#finite), &message));
        }
        for (label, kind, what) in [
            ("le", "histogram", "bucket bounds"),
            ("quantile", "summary", "quantiles"),
        ] {
            let message = format!(
                "{kind} field `{member}` has a label named `{label}`, which Prometheus reserves for a {kind}'s {what}; rename that field of the label set with `#[label(rename = \"...\")]`",
            );
            checks.push(check(
                span,
                quote! {
                    #private::reserves_label(#type_const, #label)
                        && #private::contains_label(#names, #label)
                },
                &message,
            ));
        }
    }
    for &(i, j) in &s.maybe_clashing {
        let (a, b) = (&s.fields[i], &s.fields[j]);
        let (ta, tb) = (&type_consts[i], &type_consts[j]);
        let (na, nb) = (&a.name, &b.name);
        let message = format!(
            "metrics `{na}` (field `{}`) and `{nb}` (field `{}`) would expose the same sample name (counters add `_total`, histograms `_bucket`, `_sum` and `_count`); rename one of them with `#[metric(name = \"...\")]`",
            a.member, b.member
        );
        checks.push(check(
            b.name_span,
            quote!(#private::families_clash(#na, #ta, #nb, #tb)),
            &message,
        ));
    }
    if let Some(budget) = &s.max_series {
        let series = s.fields.iter().zip(type_consts).map(|(f, type_const)| {
            let ty = f.ty;
            let cardinality = quote_spanned! {ty.span()=>
                <<#ty as #private::MetricField>::Labels as #private::LabelSet>::CARDINALITY
            };
            let limit = match &f.limit {
                Some(limit) => quote!(::core::option::Option::Some(#limit)),
                None => quote!(::core::option::Option::None),
            };
            let buckets = match &f.buckets {
                Some(b) => {
                    let n = b.len();
                    quote!(::core::option::Option::Some(#n))
                }
                None => quote!(::core::option::Option::None),
            };
            quote!(#private::field_series(#type_const, #cardinality, #limit, #buckets))
        });
        // Validated by `attr`; unsuffixed so that `500u32` still reads as a `usize`.
        let budget_value = Literal::usize_unsuffixed(budget.base10_parse().unwrap_or(usize::MAX));
        let message = format!(
            "`{}` can expose more series than its `max_series = {budget}` allows (every label set of a family counts, and a histogram's once per bucket plus `_sum` and `_count`); shrink the label sets, lower the families' `limit`, use fewer buckets, or raise the budget",
            s.ident
        );
        checks.push(check(
            budget.span(),
            quote!(#private::over_budget(&[#(#series),*], #budget_value)),
            &message,
        ));
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

/// What is emitted next to the errors: the same items with empty bodies, so that code
/// using the struct (`HttpMetrics::global().requests`) adds no errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let vis = &input.vis;
    let private = quote!(#krate::__private);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #ident {
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
            impl ::core::default::Default for #ident {
                fn default() -> Self {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #krate::Collector for #ident {
                fn describe(&self) -> #private::Vec<#private::Descriptor> {
                    ::core::unimplemented!()
                }
                fn collect(&self, _: &mut dyn #private::Sink) {
                    ::core::unimplemented!()
                }
            }
        };
    }
}
