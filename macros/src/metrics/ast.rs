//! The struct as the derive sees it: its fields with their attributes, not yet checked.

use super::attr;
use crate::ctxt::Ctxt;

pub(crate) struct Struct<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) vis: &'a syn::Visibility,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) member: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attrs: attr::Field,
    /// Whether its attributes were read without an error.
    pub(crate) sound: bool,
}

impl<'a> Struct<'a> {
    /// The struct, or `None` (with an error reported) when the input is not a non-generic
    /// struct with named fields.
    pub(crate) fn from_input(cx: &mut Ctxt, input: &'a syn::DeriveInput) -> Option<Self> {
        let named = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => Some(named),
            syn::Data::Struct(syn::DataStruct {
                fields,
                struct_token,
                ..
            }) => {
                let span = match fields {
                    syn::Fields::Unit => quote::quote!(#struct_token),
                    _ => quote::quote!(#fields),
                };
                cx.error_spanned_by(
                    span,
                    format!("`Metrics` can only be derived for structs with named fields: each field is one metric, named after the field; write `struct {} {{ requests: Counter, ... }}`", input.ident),
                );
                None
            }
            syn::Data::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    "`Metrics` can only be derived for structs with named fields, not enums: each field is one metric; for an enum of label values, derive `LabelValue`",
                );
                None
            }
            syn::Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "`Metrics` can only be derived for structs with named fields",
                );
                None
            }
        };
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "`Metrics` cannot be derived for a generic struct: its process-wide instance (`global()`) and its registration need one concrete type; remove the generic parameters",
            );
        }
        let named = named?;
        let fields = named
            .named
            .iter()
            .filter_map(|f| {
                let (attrs, sound) = cx.sound(|cx| attr::Field::from_attrs(cx, &f.attrs));
                Some(Field {
                    member: f.ident.as_ref()?,
                    ty: &f.ty,
                    attrs,
                    sound,
                })
            })
            .collect();
        input.generics.params.is_empty().then_some(Struct {
            ident: &input.ident,
            vis: &input.vis,
            fields,
        })
    }
}
