//! `buckets = ...`, read the same way by `#[derive(Metrics)]` and every function
//! attribute, in three forms:
//! - a list, `[0.1, 0.5, 1.0]`: number literals (negative ones too), and `f64::INFINITY`,
//!   `f64::NEG_INFINITY`, `f64::NAN` so that the rule can say what is wrong with them;
//! - `linear(start, width, count)` and `exponential(start, factor, count)`, number
//!   literals computed here by the rule `Buckets::linear`/`exponential` apply at run time
//!   (`promenade_rules::buckets::Spacing`: the same arithmetic, so the same values);
//! - a path to a `const` of type `[f64; N]` or `&[f64]`, checked by a generated `const`
//!   item (`const_bounds`), so a bad constant fails the build too.
//!
//! What a list must be is the data model's rule (`promenade_rules::buckets`, which
//! `Buckets::new` applies at run time, with the same words).

use std::fmt;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, Lit, UnOp};

use promenade_rules::buckets::{errors, finite, BucketError, Spacing, INVALID};

/// The forms `buckets = ...` takes, for messages.
pub(crate) const FORMS: &str = "a list of numbers like `buckets = [0.1, 0.5, 1.0]`, `buckets = exponential(0.01, 2, 11)`, `buckets = linear(0.1, 0.1, 10)`, or the path of a `const` of type `[f64; N]` or `&[f64]`";

/// What `buckets = ...` said, read.
#[derive(Clone)]
pub(crate) enum Bounds {
    /// The finite bounds, known here (a list, `linear(..)` or `exponential(..)`).
    Known(Vec<f64>),
    /// A constant, read and checked at compile time by the code generated for it.
    Const(syn::ExprPath),
}

impl Bounds {
    /// The bounds as a `&'static [f64]` expression. A constant's is a block that checks
    /// it (see [`const_bounds`]): emit it once per `buckets = ...`.
    pub(crate) fn tokens(&self, private: &TokenStream) -> TokenStream {
        match self {
            Bounds::Known(bounds) => {
                let bounds = bounds
                    .iter()
                    .map(|b| proc_macro2::Literal::f64_suffixed(*b));
                quote!(&[#(#bounds),*])
            }
            Bounds::Const(path) => const_bounds(path, private),
        }
    }
}

/// Reads `buckets = <expr>`: its bounds, and every mistake in it combined into one error
/// (`None` for the bounds when they cannot be known).
pub(crate) fn read(expr: &Expr) -> (Option<Bounds>, Option<syn::Error>) {
    match expr {
        Expr::Array(list) => {
            let (bounds, e) = bucket_list(list);
            (Some(Bounds::Known(bounds)), e)
        }
        Expr::Call(call) => match spacing(&call.func) {
            Some(spacing) => match generated(spacing, call) {
                Ok(bounds) => (Some(Bounds::Known(bounds)), None),
                Err(e) => (None, Some(e)),
            },
            None => (
                None,
                Some(syn::Error::new_spanned(
                    &call.func,
                    format!("`buckets` takes {FORMS}; `linear` and `exponential` are the functions it knows"),
                )),
            ),
        },
        Expr::Path(p) if p.qself.is_none() && bound(expr).is_err() => {
            (Some(Bounds::Const(p.clone())), None)
        }
        Expr::Group(g) => read(&g.expr),
        _ => (
            None,
            Some(syn::Error::new_spanned(expr, format!("`buckets` takes {FORMS}"))),
        ),
    }
}

/// `linear` or `exponential`, written as a bare name.
fn spacing(func: &Expr) -> Option<Spacing> {
    let Expr::Path(p) = func else { return None };
    let ident = p.path.get_ident()?;
    [Spacing::Linear, Spacing::Exponential]
        .into_iter()
        .find(|s| ident == s.name())
}

/// The bounds of `linear(start, width, count)` or `exponential(start, factor, count)`,
/// computed as `Buckets::linear`/`exponential` compute them, or what is wrong, at the
/// argument.
fn generated(spacing: Spacing, call: &syn::ExprCall) -> syn::Result<Vec<f64>> {
    let form = spacing.name();
    let step = spacing.step_name();
    let usage = format!(
        "`{form}(start, {step}, count)`, like `{}`",
        match spacing {
            Spacing::Linear => "linear(0.1, 0.1, 10)",
            Spacing::Exponential => "exponential(0.01, 2, 11)",
        }
    );
    let args: Vec<&Expr> = call.args.iter().collect();
    if args.len() != 3 {
        return Err(syn::Error::new_spanned(
            call,
            format!("`{form}` takes three numbers: {usage}"),
        ));
    }
    let number = |e: &Expr, what: &str| {
        bound(e).map_err(|_| {
            syn::Error::new_spanned(
                e,
                format!("the {what} of `{form}` must be a number literal: {usage}"),
            )
        })
    };
    let start = number(args[0], "start");
    let step_value = number(args[1], step);
    let count = match args[2] {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<usize>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        syn::Error::new_spanned(
            args[2],
            format!("the count of `{form}` must be a whole number literal: {usage}"),
        )
    });
    let (start, step_value, count) = match (start, step_value, count) {
        (Ok(a), Ok(b), Ok(n)) => (a, b, n),
        (a, b, n) => {
            let mut all: Option<syn::Error> = None;
            for e in [a.err(), b.err(), n.err()].into_iter().flatten() {
                match &mut all {
                    Some(all) => all.combine(e),
                    None => all = Some(e),
                }
            }
            return Err(all.expect("one of the three failed"));
        }
    };
    if let Some(e) = spacing.check(start, step_value, count) {
        return Err(syn::Error::new_spanned(
            args[e.argument()],
            format!("{INVALID}: {e}"),
        ));
    }
    let bounds: Vec<f64> = (0..count)
        .map(|i| spacing.bound(start, step_value, i))
        .collect();
    // Bounds that rounding makes equal (`linear(1e17, 1, 3)`): the list rule says so.
    if let Some(e) = errors(&bounds).next() {
        let show = |i: usize, f: &mut fmt::Formatter<'_>| write!(f, "{:?}", bounds[i]);
        return Err(syn::Error::new_spanned(
            call,
            format!("{} (the bounds `{form}` computes)", e.message(&show)),
        ));
    }
    Ok(bounds)
}

/// A `&'static [f64]` block reading the constant at `path` (an `[f64; N]` or a `&[f64]`;
/// another type is a type mismatch at the path), with a `const` item that fails the build
/// when the list breaks the bucket rule, with the rule's words, each bound spelled
/// `PATH[i]`.
pub(crate) fn const_bounds(path: &syn::ExprPath, private: &TokenStream) -> TokenStream {
    let span = path.span();
    // A const panic has one span: the path's last segment (its constant's own name).
    let last = path.path.segments.last().map_or(span, |s| s.ident.span());
    let written = quote!(#path).to_string().replace(' ', "");
    let bounds = quote_spanned!(span=> &#path);
    let panic = quote_spanned!(last=> ::core::panic!("{}", __promenade_message.as_str()));
    quote! {{
        const __PROMENADE_BOUNDS: &[::core::primitive::f64] = #bounds;
        const _: () = if let ::core::option::Option::Some(__promenade_error) =
            #private::first_bucket_error(__PROMENADE_BOUNDS)
        {
            let __promenade_message = #private::bucket_message(#written, __promenade_error);
            #panic
        };
        __PROMENADE_BOUNDS
    }}
}

/// The finite bounds of `list` (without a final `+Inf`), and every mistake in it, each at
/// its element (the list's when it has no finite bound), combined into one error.
pub(crate) fn bucket_list(list: &ExprArray) -> (Vec<f64>, Option<syn::Error>) {
    let mut mistakes: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut mistakes {
        Some(all) => all.combine(e),
        None => mistakes = Some(e),
    };
    // The elements that are numbers, with what they were written as.
    let mut values: Vec<f64> = Vec::with_capacity(list.elems.len());
    let mut written: Vec<&Expr> = Vec::with_capacity(list.elems.len());
    let mut unreadable = false;
    for expr in &list.elems {
        match bound(expr) {
            Ok(v) => {
                values.push(v);
                written.push(expr);
            }
            Err(message) => {
                unreadable = true;
                push(syn::Error::new_spanned(expr, message));
            }
        }
    }
    let show = |i: usize, f: &mut fmt::Formatter<'_>| f.write_str(&tokens(written[i]));
    for e in errors(&values) {
        // An empty list of what could be read says nothing when something could not.
        if e == BucketError::NoFiniteBound && unreadable {
            continue;
        }
        let message = e.message(&show).to_string();
        match e.at() {
            Some(i) => push(syn::Error::new_spanned(written[i], message)),
            None => push(syn::Error::new_spanned(list, message)),
        }
    }
    let bounds = finite(&values)
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    (bounds, mistakes)
}

/// One element as a number, or why it is not one.
fn bound(expr: &Expr) -> Result<f64, String> {
    match expr {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => bound(&u.expr).map(|v| -v),
        Expr::Group(g) => bound(&g.expr),
        Expr::Paren(p) => bound(&p.expr),
        Expr::Lit(ExprLit { lit, .. }) => {
            let parsed = match lit {
                Lit::Float(f) => f.base10_parse::<f64>().ok(),
                Lit::Int(i) => i.base10_parse::<f64>().ok(),
                _ => None,
            };
            match parsed {
                Some(v) if v.is_finite() => Ok(v),
                Some(_) => Err(format!(
                    "`{}` is too large for an f64; bucket bounds are finite numbers",
                    tokens(expr)
                )),
                None => Err(not_a_literal()),
            }
        }
        Expr::Path(p) => {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let float_const = segments.len() >= 2
                && matches!(segments[segments.len() - 2].as_str(), "f64" | "f32");
            match segments.last().map(String::as_str) {
                Some("INFINITY") if float_const => Ok(f64::INFINITY),
                Some("NEG_INFINITY") if float_const => Ok(f64::NEG_INFINITY),
                Some("NAN") if float_const => Ok(f64::NAN),
                _ => Err(not_a_literal()),
            }
        }
        _ => Err(not_a_literal()),
    }
}

fn not_a_literal() -> String {
    String::from("bucket bounds must be number literals, like `buckets = [0.1, 0.5, 1.0]` (for bounds computed elsewhere, name a `const` of type `[f64; N]` or `&[f64]`: `buckets = LATENCY_BUCKETS`)")
}

/// An expression as the user wrote it, for messages.
fn tokens(expr: &Expr) -> String {
    quote::quote!(#expr).to_string().replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(list: ExprArray) -> (Vec<f64>, Vec<String>) {
        let (bounds, e) = bucket_list(&list);
        let messages = e.into_iter().flatten().map(|e| e.to_string()).collect();
        (bounds, messages)
    }

    #[test]
    fn the_derive_and_the_attributes_read_the_same_lists() {
        assert_eq!(
            read(syn::parse_quote!([-1, 0.5, 10, f64::INFINITY])),
            (vec![-1.0, 0.5, 10.0], vec![])
        );
        let (_, m) = read(syn::parse_quote!([]));
        assert_eq!(m, ["invalid histogram buckets: at least one finite bound is needed (the `+Inf` bucket is implied), like `[0.1, 0.5, 1.0]`"]);
        let (_, m) = read(syn::parse_quote!([1.0, 0.5, f64::NAN, x]));
        assert_eq!(
            m,
            [
                "bucket bounds must be number literals, like `buckets = [0.1, 0.5, 1.0]` (for bounds computed elsewhere, name a `const` of type `[f64; N]` or `&[f64]`: `buckets = LATENCY_BUCKETS`)",
                "invalid histogram buckets: bounds must be strictly increasing, but `0.5` follows `1.0`; sort the bounds and remove duplicates",
                "invalid histogram buckets: `f64::NAN` is not a bucket bound: bounds are finite numbers (the `+Inf` bucket is implied)",
            ]
        );
        let (_, m) = read(syn::parse_quote!([f64::INFINITY, 1.0]));
        assert_eq!(m, ["invalid histogram buckets: `f64::INFINITY` can only be the last bound (the `+Inf` bucket is always there, so you may leave it out)"]);
        let (_, m) = read(syn::parse_quote!([1e400]));
        assert_eq!(
            m,
            ["`1e400` is too large for an f64; bucket bounds are finite numbers"]
        );
    }

    fn read_expr(e: Expr) -> Result<Vec<f64>, Vec<String>> {
        match super::read(&e) {
            (Some(Bounds::Known(b)), None) => Ok(b),
            (Some(Bounds::Const(_)), None) => Err(vec![String::from("a constant")]),
            (_, e) => Err(e.into_iter().flatten().map(|e| e.to_string()).collect()),
        }
    }

    #[test]
    fn generated_bounds_are_the_runtime_ones() {
        assert_eq!(
            read_expr(syn::parse_quote!(exponential(0.01, 2, 4))),
            Ok(vec![0.01, 0.02, 0.04, 0.08])
        );
        assert_eq!(
            read_expr(syn::parse_quote!(linear(-1, 0.5, 3))),
            Ok(vec![-1.0, -0.5, 0.0])
        );
        assert_eq!(
            read_expr(syn::parse_quote!(exponential(0.01, 1, 4))),
            Err(vec![String::from("invalid histogram buckets: `exponential` buckets need a factor greater than 1, got `1`")])
        );
        assert_eq!(
            read_expr(syn::parse_quote!(linear(1e17, 1, 3))),
            Err(vec![String::from("invalid histogram buckets: bounds must be strictly increasing, but `1e17` follows `1e17`; sort the bounds and remove duplicates (the bounds `linear` computes)")])
        );
        assert_eq!(
            read_expr(syn::parse_quote!(linear(x, 1, 2.5))),
            Err(vec![
                String::from("the start of `linear` must be a number literal: `linear(start, width, count)`, like `linear(0.1, 0.1, 10)`"),
                String::from("the count of `linear` must be a whole number literal: `linear(start, width, count)`, like `linear(0.1, 0.1, 10)`"),
            ])
        );
        assert_eq!(
            read_expr(syn::parse_quote!(my::LATENCY)),
            Err(vec![String::from("a constant")])
        );
    }
}
