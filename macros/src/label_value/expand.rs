//! The `LabelValue` impl. An enum's variants map to `0..N` in declaration order and back;
//! a newtype delegates to its field; a range newtype maps `MIN..=MAX` to `0..N` and gets a
//! checked `TryFrom` for its integer.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Enum, Input, Newtype};

pub(crate) fn expand(input: &Input<'_>, krate: &TokenStream) -> TokenStream {
    match input {
        Input::Enum(e) => expand_enum(e, krate),
        Input::Newtype(n) => match &n.range {
            Some(_) => expand_range(n, krate),
            None => expand_newtype(n, krate),
        },
    }
}

fn expand_enum(e: &Enum<'_>, krate: &TokenStream) -> TokenStream {
    let ident = e.ident;
    let (impl_generics, ty_generics, where_clause) = e.generics.split_for_impl();
    let count = e.variants.len();
    let variants: Vec<_> = e.variants.iter().map(|v| v.ident).collect();
    let indices = 0..count;
    let indices2 = 0..count;
    let values: Vec<_> = e.variants.iter().map(|v| &v.value).collect();
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

                #[inline]
                fn as_str(&self) -> ::core::option::Option<&::core::primitive::str> {
                    ::core::option::Option::Some(match *self {
                        #( Self::#variants => #values, )*
                    })
                }
            }
        };
    }
}

/// `struct Cached(bool);`: the field's values, cardinality and index.
fn expand_newtype(n: &Newtype<'_>, krate: &TokenStream) -> TokenStream {
    let ident = n.ident;
    let ty = n.ty;
    let member = &n.member;
    let (impl_generics, ty_generics, where_clause) = n.generics.split_for_impl();
    let where_clause = if n.generics.type_params().next().is_some() {
        let existing = where_clause.map(|w| &w.predicates);
        quote!(where #existing #ty: #krate::LabelValue,)
    } else {
        quote!(#where_clause)
    };
    // Spanned at the field type: a type that is not a `LabelValue` gets the trait's own
    // message there.
    let field = quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>);
    let construct = match member {
        syn::Member::Named(name) => quote!(Self { #name: __promenade_value }),
        syn::Member::Unnamed(_) => quote!(Self(__promenade_value)),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelValue for #ident #ty_generics #where_clause {
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    #field::CARDINALITY;

                #[inline]
                fn index(&self) -> ::core::primitive::usize {
                    #field::index(&self.#member)
                }

                #[inline]
                fn from_index(
                    __promenade_index: ::core::primitive::usize,
                ) -> ::core::option::Option<Self> {
                    match #field::from_index(__promenade_index) {
                        ::core::option::Option::Some(__promenade_value) => {
                            ::core::option::Option::Some(#construct)
                        }
                        ::core::option::Option::None => ::core::option::Option::None,
                    }
                }

                #[inline]
                fn encode(&self, __promenade_out: &mut #krate::__private::LabelValueWriter<'_>) {
                    #field::encode(&self.#member, __promenade_out)
                }

                #[inline]
                fn as_str(&self) -> ::core::option::Option<&::core::primitive::str> {
                    #field::as_str(&self.#member)
                }
            }
        };
    }
}

/// `#[label(range = 0..=9)] struct Shard(u8);`: ten values, `index()` = value − 0.
/// A value outside the range can only be built where the type is defined (the field is
/// private; `TryFrom` refuses it); if one is, it is counted and written as the nearest
/// bound, so `index()` is always below `CARDINALITY`.
fn expand_range(n: &Newtype<'_>, krate: &TokenStream) -> TokenStream {
    let Some((range, prim)) = &n.range else {
        return TokenStream::new();
    };
    let ident = n.ident;
    let ty = n.ty;
    let member = &n.member;
    let prim = syn::Ident::new(prim, ty.span());
    let (impl_generics, ty_generics, where_clause) = n.generics.split_for_impl();
    let (min, max) = (
        Literal::i128_unsuffixed(range.min),
        Literal::i128_unsuffixed(range.max),
    );
    let count = Literal::usize_unsuffixed((range.max - range.min + 1) as usize);
    let construct = match member {
        syn::Member::Named(name) => quote!(Self { #name: __promenade_value }),
        syn::Member::Unnamed(_) => quote!(Self(__promenade_value)),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #ident #ty_generics #where_clause {
                /// The value as an `i128`, clamped to the declared range.
                #[inline]
                fn __promenade_clamped(&self) -> ::core::primitive::i128 {
                    ::core::cmp::Ord::clamp(self.#member as ::core::primitive::i128, #min, #max)
                }
            }

            #[automatically_derived]
            impl #impl_generics #krate::LabelValue for #ident #ty_generics #where_clause {
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::Some(#count);

                #[inline]
                fn index(&self) -> ::core::primitive::usize {
                    (self.__promenade_clamped() - #min) as ::core::primitive::usize
                }

                #[inline]
                fn from_index(
                    __promenade_index: ::core::primitive::usize,
                ) -> ::core::option::Option<Self> {
                    if __promenade_index >= #count {
                        return ::core::option::Option::None;
                    }
                    let __promenade_value =
                        (#min + __promenade_index as ::core::primitive::i128) as ::core::primitive::#prim;
                    ::core::option::Option::Some(#construct)
                }

                #[inline]
                fn encode(&self, __promenade_out: &mut #krate::__private::LabelValueWriter<'_>) {
                    let _ = ::core::fmt::Write::write_fmt(
                        __promenade_out,
                        ::core::format_args!("{}", self.__promenade_clamped()),
                    );
                }
            }

            #[automatically_derived]
            impl #impl_generics ::core::convert::TryFrom<::core::primitive::#prim> for #ident #ty_generics #where_clause {
                type Error = #krate::labels::OutOfRange;

                fn try_from(
                    __promenade_value: ::core::primitive::#prim,
                ) -> ::core::result::Result<Self, Self::Error> {
                    let __promenade_wide = __promenade_value as ::core::primitive::i128;
                    if !(#min..=#max).contains(&__promenade_wide) {
                        return ::core::result::Result::Err(#krate::labels::OutOfRange {
                            value: __promenade_wide,
                            min: #min,
                            max: #max,
                        });
                    }
                    ::core::result::Result::Ok(#construct)
                }
            }
        };
    }
}

/// What is emitted next to the errors: the stub impl and, for a newtype over another
/// label value (`sound` is the input when the parts that say so validated), the check that
/// its field is a `LabelValue`, as the impl would make it: one message at the field type,
/// in the same build as the others. (A generic newtype states that as a bound instead.)
pub(crate) fn expand_sound_parts(
    sound: Option<&Input<'_>>,
    input: &syn::DeriveInput,
    krate: &TokenStream,
) -> TokenStream {
    let stub = stub(input, krate);
    let Some(Input::Newtype(n)) = sound else {
        return stub;
    };
    if n.range.is_some() || !n.generics.params.is_empty() {
        return stub;
    }
    let ty = n.ty;
    let field = quote_spanned!(ty.span()=> <#ty as #krate::LabelValue>);
    quote! {
        #stub
        const _: ::core::option::Option<::core::primitive::usize> = #field::CARDINALITY;
    }
}

/// What is emitted next to the errors: an impl with the right shape, so code using the
/// type as a label value does not add errors of its own.
pub(crate) fn stub(input: &syn::DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    // Bounds on type parameters, so the stub adds no errors of its own about them.
    let where_clause = crate::ctxt::where_with_bound(&input.generics, &quote!(#krate::LabelValue));
    // Finite, so a label set over the type adds no "open label" error of its own: an
    // enum's count of variants (what the impl would say), or 1.
    let cardinality = match &input.data {
        syn::Data::Enum(e) => e.variants.len().max(1),
        _ => 1,
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::LabelValue for #ident #ty_generics #where_clause {
                const CARDINALITY: ::core::option::Option<::core::primitive::usize> =
                    ::core::option::Option::Some(#cardinality);
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
