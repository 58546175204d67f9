//! The struct as the derive sees it: one label per named field.

use proc_macro2::Span;

use super::attr;
use crate::ctxt::Ctxt;
use crate::names::unraw;

pub(crate) struct Struct<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) fields: Vec<Field<'a>>,
}

#[derive(Clone)]
pub(crate) struct Field<'a> {
    pub(crate) member: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    pub(crate) kind: Kind,
    /// Whether its attributes were read without an error.
    pub(crate) sound: bool,
}

#[derive(Clone)]
pub(crate) enum Kind {
    /// One label of this set.
    Label {
        /// The label name: the field's name, or its `rename`.
        name: String,
        /// Where the name comes from: the `rename` literal, or the field's name.
        name_span: Span,
        /// `limit = N`, for an open label.
        limit: Option<Box<syn::Expr>>,
        /// `unbounded`: an open label without a limit, on purpose.
        unbounded: bool,
        /// `utf8`: the name is checked as a UTF-8 label name.
        utf8: bool,
    },
    /// `flatten`: a nested label set, whose labels join this one's.
    Flatten,
}

impl Field<'_> {
    /// Whether the label's name is checked as a UTF-8 name (`#[label(utf8)]`).
    pub(crate) fn utf8(&self) -> bool {
        matches!(self.kind, Kind::Label { utf8: true, .. })
    }

    /// The label name, for a label field.
    pub(crate) fn label_name(&self) -> Option<(&str, Span)> {
        match &self.kind {
            Kind::Label {
                name, name_span, ..
            } => Some((name, *name_span)),
            Kind::Flatten => None,
        }
    }
}

impl<'a> Struct<'a> {
    /// The struct, or `None` (with an error reported) when the input has no named fields.
    pub(crate) fn from_input(cx: &mut Ctxt, input: &'a syn::DeriveInput) -> Option<Self> {
        let fields = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => named,
            syn::Data::Struct(syn::DataStruct {
                fields,
                struct_token,
                ..
            }) => {
                let what = if matches!(fields, syn::Fields::Unit) {
                    "a unit struct has no labels"
                } else {
                    "tuple fields have no names to use as label names"
                };
                let span = match fields {
                    syn::Fields::Unit => quote::quote!(#struct_token),
                    _ => quote::quote!(#fields),
                };
                cx.error_spanned_by(
                    span,
                    format!("`LabelSet` can only be derived for structs with named fields ({what}); write `struct {} {{ name: Value, ... }}`", input.ident),
                );
                return None;
            }
            syn::Data::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    "`LabelSet` can only be derived for structs with named fields; for an enum of values, derive `LabelValue` and use it as a field of a `LabelSet` struct",
                );
                return None;
            }
            syn::Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "`LabelSet` can only be derived for structs with named fields",
                );
                return None;
            }
        };
        let fields = fields
            .named
            .iter()
            .filter_map(|f| {
                let member = f.ident.as_ref()?;
                let (attrs, mut sound) = cx.sound(|cx| attr::Field::from_attrs(cx, &f.attrs));
                let kind = match attrs.flatten {
                    Some(span) => {
                        if input.generics.type_params().next().is_some() {
                            cx.syn_error(syn::Error::new(
                                span,
                                "`flatten` is not supported in a generic label set (its label names are joined at compile time); make the struct concrete",
                            ));
                            sound = false;
                        }
                        Kind::Flatten
                    }
                    None => {
                        let (name, name_span) = match attrs.rename {
                            Some(lit) => (lit.value(), lit.span()),
                            None => (unraw(member), member.span()),
                        };
                        Kind::Label {
                            name,
                            name_span,
                            limit: attrs.limit.map(|(expr, _)| Box::new(expr)),
                            unbounded: attrs.unbounded.is_some(),
                            utf8: attrs.utf8.is_some(),
                        }
                    }
                };
                Some(Field {
                    member,
                    ty: &f.ty,
                    kind,
                    sound,
                })
            })
            .collect();
        Some(Struct {
            ident: &input.ident,
            generics: &input.generics,
            fields,
        })
    }
}
