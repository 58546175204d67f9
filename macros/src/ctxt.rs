//! Collects every error a macro finds, so one build reports all of them.

use std::fmt::Display;

use quote::ToTokens;

/// An error accumulator: push errors as they are found, keep going, and combine them at
/// the end with [`Ctxt::check`].
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Ctxt::default()
    }

    /// An error spanning `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// An error that already exists (from syn's parsers, say).
    pub(crate) fn syn_error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Whether nothing went wrong so far.
    pub(crate) fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// All errors combined into one, or `Ok` if there were none.
    pub(crate) fn check(self) -> syn::Result<()> {
        let mut errors = self.errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for e in errors {
            combined.combine(e);
        }
        Err(combined)
    }
}

impl Ctxt {
    /// What a derive emits when something went wrong: `stub` (an impl of the right shape,
    /// so that code using the type adds no errors of its own) and every error.
    pub(crate) fn with_stub(self, mut stub: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        if let Err(errors) = self.check() {
            stub.extend(errors.into_compile_error());
        }
        stub
    }
}

/// A `where` clause: the type's own predicates, plus `T: bound` for each type parameter
/// `T` (what a derived impl over a generic type needs).
pub(crate) fn where_with_bound(
    generics: &syn::Generics,
    bound: &proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let params = generics.type_params().map(|p| &p.ident);
    let existing = generics.where_clause.as_ref().map(|w| &w.predicates);
    quote::quote!(where #existing #(#params: #bound,)*)
}

/// One attribute value that may be given at most once (serde's `Attr`): the second
/// `key = ...` is an error pointing at it, and the first value is kept.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Attr<T> {
    pub(crate) fn none(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    /// Sets the value, or reports a duplicate at `span_of` (the attribute's key).
    pub(crate) fn set<S: ToTokens>(&mut self, cx: &mut Ctxt, span_of: S, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(
                span_of,
                format!("`{}` is given twice; keep only one", self.name),
            );
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(self) -> Option<T> {
        self.value
    }
}

/// After an unknown key in `#[attr(key ...)]`, consumes what follows it (`= value` or a
/// parenthesised list) so parsing can go on and report the other keys.
pub(crate) fn skip_meta_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

/// The message for an unknown key: names it and lists the accepted ones.
pub(crate) fn unknown_key_message(attr: &str, key: &syn::Path, accepted: &[&str]) -> String {
    let key = key
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| key.to_token_stream().to_string().replace(' ', ""));
    let list = accepted
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if accepted.len() == 1 {
        format!("unknown attribute `{key}` in `#[{attr}(...)]`; expected {list}")
    } else {
        format!("unknown attribute `{key}` in `#[{attr}(...)]`; expected one of {list}")
    }
}

/// Runs `f` on every key of every `#[<name>(...)]` in `attrs`. A key `f` cannot parse
/// (syn's own error) is reported and parsing goes on with the next attribute, so one build
/// shows every mistake.
pub(crate) fn for_each_key(
    cx: &mut Ctxt,
    attrs: &[syn::Attribute],
    name: &str,
    mut f: impl FnMut(&mut Ctxt, &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        if let Err(e) = attr.parse_nested_meta(|meta| f(cx, &meta)) {
            cx.syn_error(e);
        }
    }
}

/// Reports an unknown key (naming the accepted ones, then `hint`) and skips its value.
pub(crate) fn unknown_key(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    attr: &str,
    accepted: &[&str],
    hint: &str,
) -> syn::Result<()> {
    cx.error_spanned_by(
        &meta.path,
        format!("{}{hint}", unknown_key_message(attr, &meta.path, accepted)),
    );
    skip_meta_value(meta)
}

/// `key = "..."`: a string literal, kept for spans, set at most once.
pub(crate) fn parse_str(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Attr<syn::LitStr>,
) -> syn::Result<()> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    slot.set(cx, &meta.path, lit);
    Ok(())
}

/// A bare flag (`#[label(flatten)]`): the key's span, set at most once. `key = ...` is
/// an error naming the flag's form.
pub(crate) fn parse_flag(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Attr<proc_macro2::Span>,
) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` takes no value; write it alone, like `{key}`"),
        );
        return skip_meta_value(meta);
    }
    slot.set(cx, &meta.path, syn::spanned::Spanned::span(&meta.path));
    Ok(())
}
