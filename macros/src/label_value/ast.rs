//! The type as the derive sees it: a fieldless enum (one value per variant) or a newtype
//! (one field, delegating to its `LabelValue`, or an integer limited to a declared range).

use super::attr::{self, Container, Range};
use crate::ctxt::Ctxt;
use crate::names::{apply_rename_all, snake_case};

pub(crate) enum Input<'a> {
    Enum(Enum<'a>),
    Newtype(Newtype<'a>),
}

pub(crate) struct Enum<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) variants: Vec<Variant<'a>>,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a syn::Ident,
    /// The exposed label value, after `rename` / `rename_all`.
    pub(crate) value: String,
    /// `#[label(rename = "...")]`, kept for spans.
    pub(crate) rename: Option<syn::LitStr>,
}

/// `struct Shard(u8);` or `struct Cached { hit: bool }`.
pub(crate) struct Newtype<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) member: syn::Member,
    pub(crate) ty: &'a syn::Type,
    /// With `range = A..=B`: the field is an integer of a primitive type, named here.
    pub(crate) range: Option<(Range, &'static str)>,
}

/// The primitive integers a range newtype may wrap, with their bounds.
const INTEGERS: &[(&str, i128, i128)] = &[
    ("u8", 0, u8::MAX as i128),
    ("u16", 0, u16::MAX as i128),
    ("u32", 0, u32::MAX as i128),
    ("u64", 0, u64::MAX as i128),
    ("usize", 0, u64::MAX as i128),
    ("i8", i8::MIN as i128, i8::MAX as i128),
    ("i16", i16::MIN as i128, i16::MAX as i128),
    ("i32", i32::MIN as i128, i32::MAX as i128),
    ("i64", i64::MIN as i128, i64::MAX as i128),
    ("isize", i64::MIN as i128, i64::MAX as i128),
];

impl<'a> Input<'a> {
    /// The type, or `None` (with an error reported) when it is neither a fieldless enum
    /// nor a one-field struct.
    pub(crate) fn from_input(
        cx: &mut Ctxt,
        input: &'a syn::DeriveInput,
        container: &Container,
    ) -> Option<Self> {
        match &input.data {
            syn::Data::Enum(data) => {
                if let Some(range) = &container.range {
                    cx.error_spanned_by(
                        &range.tokens,
                        "`range` is for a newtype over an integer, like `struct Shard(u8);`; an enum's values are its variants",
                    );
                }
                Some(Input::Enum(Enum::from_data(cx, input, data, container)))
            }
            syn::Data::Struct(s) => Newtype::from_data(cx, input, s, container).map(Input::Newtype),
            syn::Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "`LabelValue` can only be derived for fieldless enums and one-field structs; write the enum of the values this label can take",
                );
                None
            }
        }
    }
}

impl<'a> Newtype<'a> {
    fn from_data(
        cx: &mut Ctxt,
        input: &'a syn::DeriveInput,
        data: &'a syn::DataStruct,
        container: &Container,
    ) -> Option<Self> {
        if data.fields.len() != 1 {
            let span = match &data.fields {
                syn::Fields::Unit => {
                    let ident = &input.ident;
                    quote::quote!(#ident)
                }
                fields => quote::quote!(#fields),
            };
            cx.error_spanned_by(
                span,
                "`LabelValue` can only be derived for fieldless enums and one-field structs (newtypes like `struct Shard(u8);`); for a struct of labels, derive `LabelSet` instead",
            );
            return None;
        }
        let field = data.fields.iter().next()?;
        if let Some(rename_all) = &container.rename_all {
            cx.error_spanned_by(
                &rename_all.1,
                "`rename_all` renames an enum's variants; a newtype's values are its field's",
            );
        }
        let member = match &field.ident {
            Some(ident) => syn::Member::Named(ident.clone()),
            None => syn::Member::Unnamed(0.into()),
        };
        let range = match &container.range {
            None => None,
            Some(range) => range_type(cx, field, range),
        };
        Some(Newtype {
            ident: &input.ident,
            generics: &input.generics,
            member,
            ty: &field.ty,
            range,
        })
    }
}

/// Checks a range newtype's field: private (so values outside the range can only be made
/// where the type is defined), a primitive integer, and wide enough for the range.
fn range_type(cx: &mut Ctxt, field: &syn::Field, range: &Range) -> Option<(Range, &'static str)> {
    if !matches!(field.vis, syn::Visibility::Inherited) {
        cx.error_spanned_by(
            &field.vis,
            "the field of a `range` label must be private, so that every value outside the module goes through the checked `TryFrom`; remove this `pub`",
        );
    }
    let name = match &field.ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
        _ => None,
    };
    let Some(&(prim, lo, hi)) = INTEGERS.iter().find(|(n, ..)| Some(*n) == name.as_deref()) else {
        cx.error_spanned_by(
            &field.ty,
            "`range` needs a field of a primitive integer type (`u8`, `u16`, `u32`, `u64`, `usize`, `i8` … `isize`); for other types, drop `range` and the newtype takes its field's values",
        );
        return None;
    };
    if range.min < lo || range.max > hi {
        cx.error_spanned_by(
            &range.tokens,
            format!(
                "this range does not fit in `{prim}` ({lo}..={hi}); narrow the range or widen the field"
            ),
        );
        return None;
    }
    if range.max - range.min >= i128::from(u32::MAX) {
        cx.error_spanned_by(
            &range.tokens,
            "this range has more values than a label can usefully take (a family keeps one series per value); narrow it",
        );
        return None;
    }
    Some((
        Range {
            min: range.min,
            max: range.max,
            tokens: range.tokens.clone(),
        },
        prim,
    ))
}

impl<'a> Enum<'a> {
    fn from_data(
        cx: &mut Ctxt,
        input: &'a syn::DeriveInput,
        data: &'a syn::DataEnum,
        container: &Container,
    ) -> Self {
        if data.variants.is_empty() {
            cx.error_spanned_by(
                &input.ident,
                "`LabelValue` needs at least one variant: a label with no possible value could never be written; add a variant for each value the label can take",
            );
        }
        let variants = data
            .variants
            .iter()
            .map(|v| {
                if !matches!(v.fields, syn::Fields::Unit) {
                    cx.error_spanned_by(
                        &v.fields,
                        format!(
                            "variant `{}` has fields, but `LabelValue` can only be derived for fieldless enums; remove the fields (each variant is one label value)",
                            v.ident
                        ),
                    );
                }
                let ident = crate::names::unraw(&v.ident);
                let rename = attr::variant_rename(cx, &v.attrs);
                let value = match &rename {
                    Some(lit) => lit.value(),
                    None => match &container.rename_all {
                        Some((rule, _)) => apply_rename_all(rule, &ident).unwrap_or_default(),
                        None => snake_case(&ident),
                    },
                };
                Variant {
                    ident: &v.ident,
                    value,
                    rename,
                }
            })
            .collect();
        Enum {
            ident: &input.ident,
            generics: &input.generics,
            variants,
        }
    }
}
