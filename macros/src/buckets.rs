//! `buckets = [...]`, read the same way by `#[derive(Metrics)]` and every function
//! attribute. What a list must be is the data model's rule (`promenade_rules::buckets`,
//! which `Buckets::new` applies at run time, with the same words); what is read here is
//! the syntax: number literals (negative ones too), and `f64::INFINITY`,
//! `f64::NEG_INFINITY`, `f64::NAN` so that the rule can say what is wrong with them.

use std::fmt;

use syn::{Expr, ExprArray, ExprLit, Lit, UnOp};

use promenade_rules::buckets::{errors, finite, BucketError};

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
    String::from("bucket bounds must be number literals, like `buckets = [0.1, 0.5, 1.0]`")
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
                "bucket bounds must be number literals, like `buckets = [0.1, 0.5, 1.0]`",
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
}
