//! `#[derive(Metrics)]` on structs whose named fields are metrics: parse (`ast`, `attr`)
//! → validate (`valid`, which also composes names and help texts) → expand (`expand`).
//! Every mistake is collected. On error, the struct-wide items are a stub (the same items
//! with empty bodies, so that one mistake gives one message), and the parts that validated
//! (the container, each field) are still expanded into their checks against the types, so
//! one build shows every mistake (see [`sound_parts`]).
//!
//! Some checks need facts only the type system knows (a field's metric type, its label
//! set's names and cardinality). Those are generated as const items whose panic message is
//! the error the user reads, spanned at the field (see `expand::const_checks`).

mod ast;
mod attr;
mod expand;
mod valid;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let input = &crate::families::labels_read_at_attribute(input);
    let mut cx = Ctxt::new();
    let (container, container_sound) = cx.sound(|cx| attr::Container::from_attrs(cx, &input.attrs));
    let krate = crate::krate::path(container.krate.as_ref());
    let Some(parsed) = ast::Struct::from_input(&mut cx, input) else {
        // Not a non-generic struct with named fields: the stub is all there is.
        return cx.with_stub(expand::stub(input, &krate));
    };
    let checked = valid::check(&mut cx, &container, parsed.clone());
    if cx.is_ok() {
        return expand::expand(&checked, &krate);
    }
    let parts = sound_parts(&container, container_sound, &parsed, checked);
    cx.with_stub(expand::expand_sound_parts(&parts, input, &krate))
}

/// The parts of a struct with mistakes that are sound on their own, as a `Checked` the
/// expansion reads like any other: the fields whose attributes were read without error
/// and which `valid` accepts beside the container alone, the constant labels and the
/// checks between fields (which read the composed names) only if the container is sound
/// too, and the `max_series` budget (which counts every field) only if everything is.
///
/// Validating one field beside the container alone keeps `valid` the one place that
/// knows what a field needs; an error about two fields (a repeated name) is reported by
/// the full check and leaves each field sound.
fn sound_parts<'a>(
    container: &attr::Container,
    container_attrs_sound: bool,
    parsed: &ast::Struct<'a>,
    checked: valid::Checked<'a>,
) -> valid::Checked<'a> {
    let errors_alone = |fields: Vec<ast::Field<'a>>| {
        let mut scratch = Ctxt::new();
        let alone = ast::Struct {
            fields,
            ..parsed.clone()
        };
        let _ = valid::check(&mut scratch, container, alone);
        scratch.error_count()
    };
    let container_errors = errors_alone(Vec::new());
    let container_sound = container_attrs_sound && container_errors == 0;
    let sound: Vec<bool> = parsed
        .fields
        .iter()
        .map(|f| f.sound && errors_alone(vec![f.clone()]) == container_errors)
        .collect();
    let all_sound = container_sound && sound.iter().all(|s| *s);

    // Old member index → new one, for the fields kept.
    let mut index = Vec::with_capacity(sound.len());
    let mut members = Vec::new();
    for (member, sound) in checked.members.into_iter().zip(&sound) {
        index.push(sound.then_some(members.len()));
        if *sound {
            members.push(member);
        }
    }
    let maybe_clashing = if container_sound {
        checked
            .maybe_clashing
            .iter()
            .filter_map(|&(i, j)| Some((index[i]?, index[j]?)))
            .collect()
    } else {
        Vec::new()
    };
    valid::Checked {
        ident: checked.ident,
        vis: checked.vis,
        members,
        maybe_clashing,
        max_series: checked.max_series.filter(|_| all_sound),
        const_labels: if container_sound {
            checked.const_labels
        } else {
            Vec::new()
        },
    }
}
