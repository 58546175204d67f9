//! The `LabelSet` impl. A finite set's index is a mixed-radix number over its fields'
//! indices, the first field most significant (a flattened set is one digit: its own
//! index), so `from_index(index())` is the identity and the dense order is the
//! lexicographic order of the fields' own orders.
//!
//! What only the field types can tell is checked at const time, inside `MAX_SERIES` (and
//! that constant is evaluated right away for a concrete struct): an open label needs
//! `limit = N` or `unbounded`, and no label name may repeat through a flattened set.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Field, Kind, Struct};

pub(crate) fn expand(s: &Struct<'_>, krate: &TokenStream) -> TokenStream {
    let ident = s.ident;
    let ident_str = ident.to_string();
    let private = quote!(#krate::__private);
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    let generic = s.generics.type_params().next().is_some();
    // A generic field type needs the bound stated; concrete ones are checked below.
    let where_clause = if generic {
        let tys = s.fields.iter().map(|f| f.ty);
        let existing = where_clause.map(|w| &w.predicates);
        quote!(where #existing #(#tys: #krate::LabelValue,)*)
    } else {
        quote!(#where_clause)
    };

    let as_trait = |f: &Field<'_>| as_trait(f, krate);
    let cardinality = |f: &Field<'_>| cardinality(f, krate);

    let joined = joined_names(s, krate);
    let (names_items, names, duplicate_check) = match joined {
        Some((items, check)) => (items, quote!(&__PROMENADE_NAMES), Some(check)),
        None => {
            let names = s
                .fields
                .iter()
                .filter_map(|f| f.label_name().map(|(n, _)| n));
            (TokenStream::new(), quote!(&[#(#names),*]), None)
        }
    };

    let product = |each: &dyn Fn(&Field<'_>) -> TokenStream| {
        s.fields
            .iter()
            .fold(quote!(::core::option::Option::Some(1)), |acc, f| {
                let one = each(f);
                quote!(#private::cardinality_mul(#acc, #one))
            })
    };
    let card_product = product(&cardinality);
    let max_product = product(&|f| max_series(f, krate));

    let open_checks = s
        .fields
        .iter()
        .filter_map(|f| open_check(f, &ident_str, krate));
    // A concrete struct's checks run now, where it is defined; a generic one's when a
    // family uses it.
    let force = (!generic).then(|| {
        quote! {
            const _: ::core::option::Option<::core::primitive::usize> =
                <#ident as #krate::LabelSet>::MAX_SERIES;
        }
    });

    let index_steps = s.fields.iter().map(|f| {
        let card = cardinality(f);
        let t = as_trait(f);
        let member = f.member;
        quote! {
            __promenade_index = __promenade_index * #private::label_radix(#card) + #t::index(&self.#member);
        }
    });
    let locals: Vec<_> = (0..s.fields.len())
        .map(|i| format_ident!("__promenade_field_{}", i))
        .collect();
    let decode_steps = s.fields.iter().zip(&locals).rev().map(|(f, local)| {
        let card = cardinality(f);
        let t = as_trait(f);
        quote! {
            let __promenade_radix = #private::label_radix(#card);
            let #local = #t::from_index(__promenade_rest % __promenade_radix)?;
            __promenade_rest /= __promenade_radix;
        }
    });
    let members: Vec<_> = s.fields.iter().map(|f| f.member).collect();
    let encode_steps = s.fields.iter().map(|f| {
        let member = f.member;
        let t = as_trait(f);
        match &f.kind {
            // Through `label_with` and the qualified `encode`, so a type that is not a
            // `LabelValue` gets the same diagnostic here as in `CARDINALITY` (rustc shows
            // it once).
            Kind::Label { name, .. } => quote! {
                #private::LabelWriter::label_of(
                    __promenade_out,
                    #name,
                    #t::as_str(&self.#member),
                    |__promenade_value| #t::encode(&self.#member, __promenade_value),
                );
            },
            Kind::Flatten => quote! {
                #t::encode(&self.#member, __promenade_out);
            },
        }
    });

    quote! {
        const _: () = {
            #names_items

            #[automatically_derived]
            impl #impl_generics #krate::LabelSet for #ident #ty_generics #where_clause {
                const NAMES: &'static [&'static ::core::primitive::str] = #names;

                const CARDINALITY: ::core::option::Option<::core::primitive::usize> = #card_product;

                const MAX_SERIES: ::core::option::Option<::core::primitive::usize> = {
                    #(#open_checks)*
                    #duplicate_check
                    #max_product
                };

                #[inline]
                fn index(&self) -> ::core::primitive::usize {
                    if !#private::is_finite(Self::CARDINALITY) {
                        return 0;
                    }
                    let mut __promenade_index: ::core::primitive::usize = 0;
                    #(#index_steps)*
                    __promenade_index
                }

                fn from_index(
                    __promenade_index: ::core::primitive::usize,
                ) -> ::core::option::Option<Self> {
                    if !#private::index_in(__promenade_index, Self::CARDINALITY) {
                        return ::core::option::Option::None;
                    }
                    #[allow(unused_mut, unused_variables)]
                    let mut __promenade_rest = __promenade_index;
                    #(#decode_steps)*
                    ::core::option::Option::Some(Self { #(#members: #locals),* })
                }

                fn encode(&self, __promenade_out: &mut #private::LabelWriter<'_>) {
                    #(#encode_steps)*
                }
            }

            #force
        };
    }
}

/// With a flattened field: the label names joined (each label's own, each flattened set's
/// `NAMES`) as the const `__PROMENADE_NAMES`, and the statement that panics, at the first
/// flattened field's type, if one repeats. A label's own name is joined once: two labels
/// of the same name are reported by `valid`, so a repeat found here always comes through
/// a flattened set.
fn joined_names(s: &Struct<'_>, krate: &TokenStream) -> Option<(TokenStream, TokenStream)> {
    let private = quote!(#krate::__private);
    let first_flattened = s.fields.iter().find(|f| matches!(f.kind, Kind::Flatten))?;
    let mut own: Vec<&str> = Vec::new();
    let parts: Vec<TokenStream> = s
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::Label { name, .. } if own.contains(&name.as_str()) => None,
            Kind::Label { name, .. } => {
                own.push(name);
                Some(quote!(&[#name]))
            }
            Kind::Flatten => {
                let t = as_trait(f, krate);
                Some(quote!(#t::NAMES))
            }
        })
        .collect();
    let items = quote! {
        const __PROMENADE_NAME_PARTS: &[&[&::core::primitive::str]] = &[#(#parts),*];
        const __PROMENADE_NAMES: [&::core::primitive::str; #private::names_len(__PROMENADE_NAME_PARTS)] =
            #private::concat_names(__PROMENADE_NAME_PARTS);
    };
    let span = first_flattened.ty.span();
    let after = format!(
        "` appears twice in `{}` once its flattened fields are joined; rename one of them with `#[label(rename = \"...\")]`",
        s.ident
    );
    let panic = quote_spanned!(span=> ::core::panic!("{}", __promenade_message.as_str()));
    // A tuple is a label set whose names its family gives: flattened, it would write
    // nothing.
    let tuple_checks = s.fields.iter().filter(|f| matches!(f.kind, Kind::Flatten)).map(|f| {
        let t = as_trait(f, krate);
        let message = format!(
            "a tuple of label values has no label names of its own, so it cannot be flattened into `{}`: make each value a field of its own, or flatten a `#[derive(LabelSet)]` struct",
            s.ident
        );
        quote_spanned!(f.ty.span()=> if #t::POSITIONAL_LABELS != 0 { ::core::panic!(#message) })
    });
    let check = quote! {
        #(#tuple_checks)*
        if let ::core::option::Option::Some(__promenade_name) =
            #private::first_duplicate(&__PROMENADE_NAMES)
        {
            let __promenade_message = #private::name_message(
                "label `",
                ::core::option::Option::Some(__promenade_name),
                #after,
            );
            #panic
        }
    };
    Some((items, check))
}

/// `<T as LabelValue>` for a label field, `<T as LabelSet>` for a flattened one. Every use
/// of a field's type is spanned at that type, so a type that is not a `LabelValue` (or,
/// flattened, a `LabelSet`) gets the trait's own message there.
fn as_trait(f: &Field<'_>, krate: &TokenStream) -> TokenStream {
    let ty = f.ty;
    match f.kind {
        Kind::Label { .. } => quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>),
        Kind::Flatten => quote_spanned!(ty.span()=> <#ty as #krate::LabelSet>),
    }
}

fn cardinality(f: &Field<'_>, krate: &TokenStream) -> TokenStream {
    let t = as_trait(f, krate);
    quote!(#t::CARDINALITY)
}

/// The most series one field allows: a label's cardinality or `limit`, a flattened set's
/// own `MAX_SERIES`.
fn max_series(f: &Field<'_>, krate: &TokenStream) -> TokenStream {
    let private = quote!(#krate::__private);
    match &f.kind {
        Kind::Label { limit, .. } => {
            let card = cardinality(f, krate);
            let limit = match limit {
                Some(limit) => quote!(::core::option::Option::Some(#limit)),
                None => quote!(::core::option::Option::None),
            };
            quote!(#private::label_max_series(#card, #limit))
        }
        Kind::Flatten => {
            let t = as_trait(f, krate);
            quote!(#t::MAX_SERIES)
        }
    }
}

/// For a label with neither `limit` nor `unbounded`: a statement that panics (the message
/// the user reads, at the field type) if its type is open.
fn open_check(f: &Field<'_>, ident_str: &str, krate: &TokenStream) -> Option<TokenStream> {
    let Kind::Label {
        name,
        limit: None,
        unbounded: false,
        ..
    } = &f.kind
    else {
        return None;
    };
    let ty = f.ty;
    let ty_str = quote!(#ty).to_string().replace(' ', "");
    let card = cardinality(f, krate);
    let message = format!(
        "label `{name}` of `{ident_str}` is open (a `{ty_str}` can take any number of values), so a family over `{ident_str}` could grow without bound; declare how many values it may take with `#[label(limit = N)]` (a family keeps that many, more share an overflow series), or opt out with `#[label(unbounded)]`"
    );
    let panic = quote_spanned!(ty.span()=> ::core::panic!("{}", #message));
    Some(quote! {
        if !#krate::__private::is_finite(#card) {
            #panic
        }
    })
}

/// What is emitted next to the errors: the stub impl, and for each field that validated
/// (`s` holds only those) what the impl would check of it against its type: that it is a
/// `LabelValue` (flattened: a `LabelSet`), that its `limit` is a `usize`, and that an open
/// label has a limit; and, between those fields, that no label name repeats through a
/// flattened set. So each mistake is reported once, in the same build. (For a generic
/// struct those checks run where a family uses it, which the stub cannot do.)
pub(crate) fn expand_sound_parts(
    s: &Struct<'_>,
    input: &syn::DeriveInput,
    krate: &TokenStream,
) -> TokenStream {
    let stub = stub(input, krate);
    if s.generics.type_params().next().is_some() {
        return stub;
    }
    let ident_str = s.ident.to_string();
    let checks = s.fields.iter().map(|f| {
        let open = open_check(f, &ident_str, krate);
        let max = max_series(f, krate);
        quote! {
            const _: ::core::option::Option<::core::primitive::usize> = {
                #open
                #max
            };
        }
    });
    let joined = joined_names(s, krate).map(|(items, check)| {
        quote! {
            #items
            const _: () = { #check };
        }
    });
    quote! {
        #stub
        const _: () = {
            #(#checks)*
            #joined
        };
    }
}

/// What is emitted next to the errors: an impl with the right shape, so code using the
/// type as a label set does not add errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    // Bounds on type parameters, so the stub adds no errors of its own about them.
    let where_clause = crate::ctxt::where_with_bound(&input.generics, &quote!(#krate::LabelValue));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelSet for #ident #ty_generics #where_clause {
                const NAMES: &'static [&'static ::core::primitive::str] = &[];
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::Some(1);
                fn index(&self) -> ::core::primitive::usize {
                    ::core::unimplemented!()
                }
                fn from_index(_: ::core::primitive::usize) -> ::core::option::Option<Self> {
                    ::core::unimplemented!()
                }
                fn encode(&self, _: &mut #krate::__private::LabelWriter<'_>) {
                    ::core::unimplemented!()
                }
            }
        };
    }
}
