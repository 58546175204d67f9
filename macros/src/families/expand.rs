//! The rewrite: `field: M` with `labels = T` becomes `field: <krate>::Family<T, M>`.
//!
//! The path to `Family` is located at `M`, so what the derive later reports at the field
//! type (a metric that cannot be in a family, `buckets` on a counter family) points at the
//! user's type, not at the attribute.

use proc_macro2::Span;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::attr;
use super::{is_family, respan, type_text};
use crate::ctxt::Ctxt;

/// Rewrites every field marked `labels = T` of `s` (a struct with named fields) in place.
pub(crate) fn rewrite(cx: &mut Ctxt, s: &mut syn::ItemStruct) {
    let krate = attr::krate(&s.attrs);
    let syn::Fields::Named(named) = &mut s.fields else {
        return;
    };
    for field in &mut named.named {
        let attrs = attr::Field::from_attrs(cx, &field.attrs);
        let Some(labels) = attrs.labels else { continue };
        if attrs.not_a_family {
            continue;
        }
        let (key, label_ty) = (&labels.key, &labels.ty);
        if is_family(&field.ty) {
            let member = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let metric = family_metric(&field.ty)
                .map(type_text)
                .unwrap_or_else(|| "M".to_owned());
            cx.error_spanned_by(
                quote!(#key = #label_ty),
                format!(
                    "field `{member}` already is a family (`{}`), so `#[promenade::families]` has nothing to make of `labels = {}`; write the metric alone (`{member}: {metric}`) and keep `labels`, or remove `labels = ...`",
                    type_text(&field.ty),
                    type_text(label_ty),
                ),
            );
            continue;
        }
        let metric = &field.ty;
        // At the metric's place, with the macro's own hygiene: errors about the family
        // point at the user's type, and no lint (`unused_qualifications`) reads the path
        // as written by the user.
        let span = Span::call_site().located_at(metric.span());
        let family = match &krate {
            Some(path) => respan(quote!(#path::Family), span),
            None => quote_spanned!(span=> ::promenade::Family),
        };
        field.ty = syn::parse_quote_spanned!(span=> #family<#label_ty, #metric>);
    }
}

/// The `M` of a type written `Family<L, M>`.
fn family_metric(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().rev().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}
