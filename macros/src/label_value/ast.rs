//! The enum as the derive sees it: its variants and the value each one is exposed as.

use super::attr::{self, Container};
use crate::ctxt::Ctxt;
use crate::names::{apply_rename_all, snake_case};

pub(crate) struct Enum<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) variants: Vec<Variant<'a>>,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a syn::Ident,
    /// The exposed label value, after `rename` / `rename_all`.
    pub(crate) value: String,
}

impl<'a> Enum<'a> {
    /// The enum, or `None` (with an error reported) when the input is not an enum.
    pub(crate) fn from_input(
        cx: &mut Ctxt,
        input: &'a syn::DeriveInput,
        container: Container,
    ) -> Option<Self> {
        let data = match &input.data {
            syn::Data::Enum(data) => data,
            syn::Data::Struct(s) => {
                cx.error_spanned_by(
                    s.struct_token,
                    "`LabelValue` can only be derived for fieldless enums; for a struct of labels, derive `LabelSet` instead",
                );
                return None;
            }
            syn::Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "`LabelValue` can only be derived for fieldless enums; write the enum of the values this label can take",
                );
                return None;
            }
        };
        if data.variants.is_empty() {
            cx.error_spanned_by(
                &input.ident,
                "`LabelValue` needs at least one variant: a label with no possible value could never be written",
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
                let ident = v.ident.to_string();
                let value = match attr::variant_rename(cx, &v.attrs) {
                    Some(lit) => lit.value(),
                    None => match &container.rename_all {
                        Some((rule, _)) => apply_rename_all(rule, &ident).unwrap_or_default(),
                        None => snake_case(&ident),
                    },
                };
                Variant {
                    ident: &v.ident,
                    value,
                }
            })
            .collect();
        Some(Enum {
            ident: &input.ident,
            generics: &input.generics,
            variants,
        })
    }
}
