//! `#[promenade::families]` on a `#[derive(Metrics)]` struct: every field marked
//! `#[metric(labels = T)]` is rewritten from `field: M` to `field: Family<T, M>`, so the
//! derive (which cannot change a field's type) then sees a family field. Nothing else
//! changes: the attributes (`labels = T` included: the derive checks it names the
//! family's label set), the fields' order, the user's tokens and their spans.
//!
//! parse (`attr`: the `labels` keys, `crate = "..."`) → rewrite (`expand`). Every mistake
//! is reported at its tokens, and the struct is always emitted, with the fields that
//! could be rewritten rewritten, so code using it adds no errors of its own. Fields the
//! derive refuses `labels` on (`nested`, `callback`) are left to the derive, which says
//! why.

mod attr;
mod expand;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

/// The attribute's entry point: `args` must be empty, `item` a struct with named fields.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::new();
    if !args.is_empty() {
        cx.error_spanned_by(
            &args,
            "`#[promenade::families]` takes no arguments; write it alone, like `#[promenade::families]` (it reads `crate = \"...\"` from `#[metrics(...)]`, and each family's labels from `#[metric(labels = ...)]`)",
        );
    }
    let mut out = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(s)) if written_twice(&s).is_some() => {
            // The other one rewrites the fields; this one would call them families already.
            if let Some(again) = written_twice(&s) {
                cx.error_spanned_by(
                    again,
                    "`#[promenade::families]` is written twice on this struct; remove one",
                );
            }
            item
        }
        Ok(syn::Item::Struct(mut s)) if matches!(s.fields, syn::Fields::Named(_)) => {
            expand::rewrite(&mut cx, &mut s);
            s.into_token_stream()
        }
        Ok(other) => {
            not_a_struct(&mut cx, &other);
            item
        }
        Err(_) => {
            cx.syn_error(syn::Error::new(
                Span::call_site(),
                format!("{NOT_A_STRUCT}: {WHAT_IT_DOES}"),
            ));
            item
        }
    };
    if let Err(errors) = cx.check() {
        out.extend(errors.into_compile_error());
    }
    out
}

/// Another `#[families]` / `#[promenade::families]` among the struct's attributes.
fn written_twice(s: &syn::ItemStruct) -> Option<&syn::Attribute> {
    s.attrs.iter().find(|a| {
        let segments = &a.path().segments;
        segments.last().is_some_and(|last| last.ident == "families")
            && (segments.len() == 1 || segments.len() == 2 && segments[0].ident == "promenade")
    })
}

const NOT_A_STRUCT: &str = "`#[promenade::families]` goes on a struct with named fields";
const WHAT_IT_DOES: &str = "it makes each field marked `#[metric(labels = ...)]` a `Family` (write it above `#[derive(Metrics)]`)";

/// The error for an item the attribute cannot rewrite, at its keyword (or its fields).
fn not_a_struct(cx: &mut Ctxt, item: &syn::Item) {
    match item {
        syn::Item::Struct(s) => {
            let message = format!("{NOT_A_STRUCT}: {WHAT_IT_DOES}; name the fields, or remove it");
            match &s.fields {
                syn::Fields::Unit => cx.error_spanned_by(s.struct_token, message),
                fields => cx.error_spanned_by(fields, message),
            }
        }
        syn::Item::Enum(e) => cx.error_spanned_by(
            e.enum_token,
            format!("{NOT_A_STRUCT}, not an enum: {WHAT_IT_DOES}; remove it from this enum"),
        ),
        syn::Item::Union(u) => cx.error_spanned_by(
            u.union_token,
            format!("{NOT_A_STRUCT}, not a union: {WHAT_IT_DOES}; remove it from this union"),
        ),
        _ => cx.syn_error(syn::Error::new(
            Span::call_site(),
            format!("{NOT_A_STRUCT}: {WHAT_IT_DOES}; remove it from this item"),
        )),
    }
}

/// The struct as `#[derive(Metrics)]` reads it: the `L` of each family field written as
/// its `labels = L` (what this attribute makes of `field: M`) is read as
/// `<L as LabelsOf>::Set`, the same type, spanned at `L` in the attribute. An `L` that is
/// not a `LabelSet` is then one error at `L`, where the fix is, rather than at the
/// field's metric type (the rewritten type's place), and the field's other uses add none.
pub(crate) fn labels_read_at_attribute(input: &syn::DeriveInput) -> syn::DeriveInput {
    let mut input = input.clone();
    let krate = attr::krate(&input.attrs);
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &mut input.data
    else {
        return input;
    };
    for field in &mut named.named {
        // The derive reads the same attributes and reports their mistakes.
        let mut reported_by_the_derive = Ctxt::new();
        let attrs = attr::Field::from_attrs(&mut reported_by_the_derive, &field.attrs);
        let Some(labels) = attrs.labels else { continue };
        let Some(family_labels) = family_labels_mut(&mut field.ty) else {
            continue;
        };
        if type_text(family_labels) != type_text(&labels.ty) {
            // Another label set: the derive reports the mismatch.
            continue;
        }
        let first = labels.ty.span();
        let last = labels
            .ty
            .to_token_stream()
            .into_iter()
            .last()
            .map_or(first, |t| t.span());
        let (first, last) = (
            Span::call_site().located_at(first),
            Span::call_site().located_at(last),
        );
        let labels_of = match &krate {
            Some(path) => respan(quote::quote!(#path::__private::LabelsOf), last),
            None => quote::quote_spanned!(last=> ::promenade::__private::LabelsOf),
        };
        let open = quote::quote_spanned!(first=> <);
        let label_ty = &labels.ty;
        let set = quote::quote_spanned!(last=> as #labels_of>::Set);
        if let Ok(ty) = syn::parse2(quote::quote!(#open #label_ty #set)) {
            *family_labels = ty;
        }
    }
    input
}

/// Whether the `L` of `ty` (a family) is read from `labels = L` by
/// [`labels_read_at_attribute`]: written `<L as ...::LabelsOf>::Set`.
pub(crate) fn reads_labels_at_attribute(ty: &syn::Type) -> bool {
    let mut ty = ty.clone();
    match family_labels_mut(&mut ty) {
        Some(syn::Type::Path(syn::TypePath {
            qself: Some(_),
            path,
        })) => {
            let mut names = path.segments.iter().rev().map(|s| &s.ident);
            names.next().is_some_and(|s| s == "Set")
                && names.next().is_some_and(|t| t == "LabelsOf")
        }
        _ => false,
    }
}

/// The `L` of a type written `Family<L, M>`.
fn family_labels_mut(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last_mut()?;
            if last.ident != "Family" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
                return None;
            };
            args.args.iter_mut().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
        }
        syn::Type::Group(g) => family_labels_mut(&mut g.elem),
        syn::Type::Paren(p) => family_labels_mut(&mut p.elem),
        _ => None,
    }
}

/// Whether `ty` is written as a family: a path ending in `Family<...>` (`Family<L, M>`,
/// `promenade::Family<L, M>`). Decided from the syntax, as the attribute must (it runs
/// before types exist); the derive uses the same rule for where `labels` belongs.
pub(crate) fn is_family(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            s.ident == "Family" && matches!(s.arguments, syn::PathArguments::AngleBracketed(_))
        }),
        // A type passed through `macro_rules!` arrives in an invisible group.
        syn::Type::Group(g) => is_family(&g.elem),
        syn::Type::Paren(p) => is_family(&p.elem),
        _ => false,
    }
}

/// A type as written, for messages: `Family<Request, Counter>`.
pub(crate) fn type_text(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}

/// `tokens` with every span (inside groups too) set to `span`.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    map_spans(tokens, &|_| span)
}

/// `tokens` moved to `span`'s place, each keeping its own hygiene: the user's tokens stay
/// the user's, a macro's stay the macro's (so no lint reads those as the user's path).
pub(crate) fn relocate(tokens: TokenStream, span: Span) -> TokenStream {
    map_spans(tokens, &|own| own.located_at(span))
}

fn map_spans(tokens: TokenStream, f: &dyn Fn(Span) -> Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(g) = &tree {
                let mut group = proc_macro2::Group::new(g.delimiter(), map_spans(g.stream(), f));
                group.set_span(f(g.span()));
                tree = group.into();
            } else {
                tree.set_span(f(tree.span()));
            }
            tree
        })
        .collect()
}
