//! The `LabelValue` impl: variants map to `0..N` in declaration order and back.

use proc_macro2::TokenStream;
use quote::quote;

use super::ast::Enum;

pub(crate) fn expand(e: &Enum<'_>, krate: &TokenStream) -> TokenStream {
    let ident = e.ident;
    let (impl_generics, ty_generics, where_clause) = e.generics.split_for_impl();
    let count = e.variants.len();
    let variants: Vec<_> = e.variants.iter().map(|v| v.ident).collect();
    let indices = 0..count;
    let indices2 = 0..count;
    let values = e.variants.iter().map(|v| &v.value);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelValue for #ident #ty_generics #where_clause {
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::Some(#count);

                #[inline]
                fn index(&self) -> ::core::primitive::usize {
                    match *self {
                        #( Self::#variants => #indices, )*
                    }
                }

                #[inline]
                fn from_index(
                    __promenade_index: ::core::primitive::usize,
                ) -> ::core::option::Option<Self> {
                    match __promenade_index {
                        #( #indices2 => ::core::option::Option::Some(Self::#variants), )*
                        _ => ::core::option::Option::None,
                    }
                }

                #[inline]
                fn encode(&self, __promenade_out: &mut #krate::__private::LabelValueWriter<'_>) {
                    __promenade_out.write_str(match *self {
                        #( Self::#variants => #values, )*
                    })
                }
            }
        };
    }
}

/// What is emitted next to the errors: an impl with the right shape, so code using the
/// type as a label value does not add errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelValue for #ident #ty_generics #where_clause {
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::None;
                fn index(&self) -> ::core::primitive::usize {
                    ::core::unimplemented!()
                }
                fn from_index(
                    _: ::core::primitive::usize,
                ) -> ::core::option::Option<Self> {
                    ::core::unimplemented!()
                }
                fn encode(&self, _: &mut #krate::__private::LabelValueWriter<'_>) {
                    ::core::unimplemented!()
                }
            }
        };
    }
}
