//! The `LabelSet` impl. A finite set's index is a mixed-radix number over its fields'
//! indices, the first field most significant, so `from_index(index())` is the identity and
//! the dense order is the lexicographic order of the fields' own orders.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::Struct;

pub(crate) fn expand(s: &Struct<'_>, krate: &TokenStream) -> TokenStream {
    let ident = s.ident;
    let private = quote!(#krate::__private);
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    // A generic field type needs the bound stated; concrete ones are checked below.
    let where_clause = if s.generics.type_params().next().is_some() {
        let tys = s.fields.iter().map(|f| f.ty);
        let existing = where_clause.map(|w| &w.predicates);
        quote!(where #existing #(#tys: #krate::LabelValue,)*)
    } else {
        quote!(#where_clause)
    };

    // Every use of a field's type is spanned at that type, so a type that is not a
    // `LabelValue` gets the trait's own message, pointing at the field.
    let cardinality =
        |ty: &syn::Type| quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>::CARDINALITY);
    let names = s.fields.iter().map(|f| &f.name);
    let product = s
        .fields
        .iter()
        .fold(quote!(::core::option::Option::Some(1)), |acc, f| {
            let card = cardinality(f.ty);
            quote!(#private::cardinality_mul(#acc, #card))
        });
    let index_steps = s.fields.iter().map(|f| {
        let card = cardinality(f.ty);
        let member = f.member;
        let ty = f.ty;
        let index = quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>::index(&self.#member));
        quote! {
            __promenade_index = __promenade_index * #private::label_radix(#card) + #index;
        }
    });
    let locals: Vec<_> = (0..s.fields.len())
        .map(|i| format_ident!("__promenade_field_{}", i))
        .collect();
    let decode_steps = s.fields.iter().zip(&locals).rev().map(|(f, local)| {
        let card = cardinality(f.ty);
        let ty = f.ty;
        let from_index = quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>::from_index);
        quote! {
            let __promenade_radix = #private::label_radix(#card);
            let #local = #from_index(__promenade_rest % __promenade_radix)?;
            __promenade_rest /= __promenade_radix;
        }
    });
    let members: Vec<_> = s.fields.iter().map(|f| f.member).collect();
    let encode_steps = s.fields.iter().map(|f| {
        let name = &f.name;
        let member = f.member;
        let ty = f.ty;
        // Through `label_with` and the qualified `encode`, so a type that is not a
        // `LabelValue` gets the same diagnostic here as in `CARDINALITY` (rustc shows it once).
        let encode = quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>::encode);
        quote! {
            #private::LabelWriter::label_with(__promenade_out, #name, |__promenade_value| {
                #encode(&self.#member, __promenade_value)
            });
        }
    });

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelSet for #ident #ty_generics #where_clause {
                const NAMES: &'static [&'static ::core::primitive::str] = &[#(#names),*];

                const CARDINALITY: ::core::option::Option<::core::primitive::usize> = #product;

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
        };
    }
}

/// What is emitted next to the errors: an impl with the right shape, so code using the
/// type as a label set does not add errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelSet for #ident #ty_generics #where_clause {
                const NAMES: &'static [&'static ::core::primitive::str] = &[];
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::None;
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
