//! `#[derive(Metrics)]` on structs whose named fields are metrics: parse (`ast`, `attr`)
//! → validate (`valid`, which also composes names and help texts) → expand (`expand`).
//! Every mistake is collected. On error, the struct-wide items are a stub (the same items
//! with empty bodies, so that one mistake gives one message), and the parts that validated
//! (the container, each field) are still expanded into their checks against the types, so
//! one build shows every mistake; each check needs only the parts it reads (see
//! [`sound_parts`]).
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
    let container = attr::Container::from_attrs(&mut cx, &input.attrs);
    let krate = crate::krate::path(container.krate.as_ref());
    let Some(parsed) = ast::Struct::from_input(&mut cx, input) else {
        // Not a non-generic struct with named fields: the stub is all there is.
        return cx.with_stub(expand::stub(input, &krate));
    };
    let (checked, sound) = valid::check(&mut cx, &container, parsed);
    if cx.is_ok() {
        return expand::expand(&checked, &krate);
    }
    if container.krate_mistaken {
        // Every generated path starts with `crate`: the stub alone, so a mistake there is
        // not repeated at each path.
        return cx.with_stub(expand::stub(input, &krate));
    }
    let parts = sound_parts(&container, checked, &sound);
    cx.with_stub(expand::expand_sound_parts(&parts, input, &krate))
}

/// The parts of a struct with mistakes that are sound on their own, as a `Checked` the
/// expansion reads like any other. Each check needs only some parts, so a mistake elsewhere
/// does not hide it:
/// - a field's own checks (its type, reserved labels, `labels = T`, ...) need the field
///   sound (`sound[i]`, from `valid::check`);
/// - a sample-name clash between two fields needs both (their names keep the prefix as
///   written, so a mistake in `namespace` or `subsystem` does not hide it);
/// - the constant labels' checks need the sound constant labels (which `valid` keeps) and
///   the field;
/// - the `max_series` budget counts every field, so it needs them all sound, and seen as
///   they will be compiled (not before a `#[promenade::families]` written below the
///   derive rewrites them).
fn sound_parts<'a>(
    container: &attr::Container,
    checked: valid::Checked<'a>,
    sound: &[bool],
) -> valid::Checked<'a> {
    let all_fields = !container.families_below && sound.iter().all(|s| *s);
    // Old member index → new one, for the fields kept.
    let mut index = Vec::with_capacity(sound.len());
    let mut members = Vec::new();
    for (member, sound) in checked.members.into_iter().zip(sound) {
        index.push(sound.then_some(members.len()));
        if *sound {
            members.push(member);
        }
    }
    let maybe_clashing = checked
        .maybe_clashing
        .iter()
        .filter_map(|&(i, j)| Some((index[i]?, index[j]?)))
        .collect();
    valid::Checked {
        ident: checked.ident,
        vis: checked.vis,
        members,
        maybe_clashing,
        max_series: checked.max_series.filter(|_| all_fields),
        self_register: checked.self_register,
        const_labels: checked.const_labels,
    }
}
