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

    /// How many errors were found so far: compare before and after reading one part of
    /// the input (a field, the container) to know whether that part is sound.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// Runs `f`, and says whether it reported no error (the part it read is sound).
    pub(crate) fn sound<T>(&mut self, f: impl FnOnce(&mut Ctxt) -> T) -> (T, bool) {
        let before = self.error_count();
        let value = f(self);
        (value, self.error_count() == before)
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
/// (syn's own error) is reported, its tokens are skipped up to the next `,`, and parsing
/// goes on with the next key, so one build shows every mistake. (Values are read as
/// expressions and checked by the callers, so that error is only for broken syntax.)
pub(crate) fn for_each_key(
    cx: &mut Ctxt,
    attrs: &[syn::Attribute],
    name: &str,
    mut f: impl FnMut(&mut Ctxt, &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        let parsed = attr.parse_nested_meta(|meta| {
            if let Err(e) = f(cx, &meta) {
                cx.syn_error(e);
                skip_to_comma(meta.input)?;
            }
            Ok(())
        });
        if let Err(e) = parsed {
            cx.syn_error(e);
        }
    }
}

/// Consumes the rest of a key that failed to parse, up to the `,` before the next key.
fn skip_to_comma(input: syn::parse::ParseStream<'_>) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// The value of `key = value`, read as any expression so that a value of the wrong type
/// is reported by the caller (naming the form it expects) and the next key still parsed.
pub(crate) fn expr_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<syn::Expr> {
    meta.value()?.parse()
}

/// The string literal in `expr` (through the invisible group a `macro_rules!` adds).
pub(crate) fn lit_str(expr: &syn::Expr) -> Option<&syn::LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        syn::Expr::Group(g) => lit_str(&g.expr),
        _ => None,
    }
}

/// The integer literal in `expr` (through the invisible group a `macro_rules!` adds).
pub(crate) fn lit_int(expr: &syn::Expr) -> Option<&syn::LitInt> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) => Some(n),
        syn::Expr::Group(g) => lit_int(&g.expr),
        _ => None,
    }
}

/// `limit = N`: a number literal or a named constant (any expression of type `usize`, so
/// only a literal of another kind can be refused here); that is reported at the value
/// with `form` (which names the form), and parsing goes on.
pub(crate) fn limit_value(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    form: &str,
) -> syn::Result<Option<syn::Expr>> {
    let value = expr_value(meta)?;
    if matches!(value, syn::Expr::Lit(_)) && lit_int(&value).is_none() {
        cx.error_spanned_by(&value, form);
        return Ok(None);
    }
    Ok(Some(value))
}

/// The name of a key, for messages (`namespace`, or the path as written).
fn key_name(meta: &syn::meta::ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| meta.path.to_token_stream().to_string().replace(' ', ""))
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

/// `key = "..."`: a string literal, kept for spans, set at most once. Another value is
/// reported at the value, naming the form with `example` (`key = "example"`), and parsing
/// goes on.
pub(crate) fn parse_str(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Attr<syn::LitStr>,
    example: &str,
) -> syn::Result<()> {
    let value = expr_value(meta)?;
    match lit_str(&value) {
        Some(lit) => slot.set(cx, &meta.path, lit.clone()),
        None => {
            let key = key_name(meta);
            cx.error_spanned_by(
                &value,
                format!("`{key}` takes a string literal, like `{key} = \"{example}\"`"),
            );
        }
    }
    Ok(())
}

/// `crate = "path"` (see [`crate::krate::path`]); another value is reported at the value,
/// naming the form, and parsing goes on.
pub(crate) fn parse_crate(
    cx: &mut Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Attr<syn::Path>,
) -> syn::Result<()> {
    let value = expr_value(meta)?;
    crate_value(cx, &meta.path, &value, slot);
    Ok(())
}

/// The value of `crate = value` read into `slot` (a repeat reported at `key`), or reported
/// at the value, naming the form. [`parse_crate`] reads it from a nested meta; the
/// function attributes, which parse their arguments as a list of `syn::Meta`, call this
/// with the key and value of theirs, so every macro reads `crate` the same way.
pub(crate) fn crate_value(
    cx: &mut Ctxt,
    key: &syn::Path,
    value: &syn::Expr,
    slot: &mut Attr<syn::Path>,
) {
    match lit_str(value) {
        Some(lit) => match lit.parse::<syn::Path>() {
            Ok(path) => slot.set(cx, key, path),
            Err(_) => cx.error_spanned_by(lit, CRATE_FORM),
        },
        None => cx.error_spanned_by(value, CRATE_FORM),
    }
}

const CRATE_FORM: &str =
    "`crate` takes a path to the promenade crate in a string, like `crate = \"::my_crate::promenade\"`";

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
