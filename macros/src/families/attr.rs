//! What the attribute reads: each field's `labels = T` (from any `#[metric(...)]` list,
//! the other keys skipped), and `crate = "..."` from the struct's `#[metrics(...)]`.
//!
//! Syntax errors in those lists are not reported here: the derive parses the same lists
//! and reports them once.

use crate::ctxt::{for_each_key, skip_meta_value, Attr, Ctxt};
use crate::symbol::{CALLBACK, CRATE, LABELS, METRIC, METRICS, NESTED};

/// `labels = T` as written: the key (for spans) and the label set.
pub(crate) struct Labels {
    pub(crate) key: syn::Path,
    pub(crate) ty: syn::Type,
}

/// One field's keys that matter to the attribute.
pub(crate) struct Field {
    pub(crate) labels: Option<Labels>,
    /// `nested` or `callback`: a field that cannot be a family. It is left as written;
    /// the derive refuses `labels` there and says why.
    pub(crate) not_a_family: bool,
}

impl Field {
    pub(crate) fn from_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut labels = Attr::none(LABELS);
        let mut not_a_family = false;
        let mut syntax = Ctxt::new();
        for_each_key(&mut syntax, attrs, METRIC, |_, meta| {
            if meta.path.is_ident(LABELS) {
                let ty: syn::Type = meta.value()?.parse()?;
                // The derive says the same at the same place: one message.
                labels.set(
                    cx,
                    &meta.path,
                    Labels {
                        key: meta.path.clone(),
                        ty,
                    },
                );
                Ok(())
            } else {
                not_a_family |= meta.path.is_ident(NESTED) || meta.path.is_ident(CALLBACK);
                skip_meta_value(meta)
            }
        });
        Field {
            labels: labels.get(),
            not_a_family,
        }
    }
}

/// `crate = "..."` from `#[metrics(...)]`, if given and a path (the derive reports a bad
/// one; `::promenade` is used meanwhile).
pub(crate) fn krate(attrs: &[syn::Attribute]) -> Option<syn::Path> {
    let mut reported_by_the_derive = Ctxt::new();
    let mut krate = Attr::none(CRATE);
    for_each_key(&mut reported_by_the_derive, attrs, METRICS, |cx, meta| {
        if meta.path.is_ident(CRATE) {
            crate::ctxt::parse_crate(cx, meta, &mut krate)
        } else {
            skip_meta_value(meta)
        }
    });
    krate.get()
}
