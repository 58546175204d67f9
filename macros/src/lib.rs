//! Procedural macros for promenade. Use them through the `promenade` crate, which
//! documents each on its re-export; generated code refers only to `::core` and
//! `::promenade::__private` (or the path given with `crate = path`).
//!
//! Each macro lives in its own folder as parse → validate → expand; this file only
//! dispatches.

mod buckets;
mod counted;
mod counted_exceptions;
mod ctxt;
mod families;
mod fn_attr;
mod help;
mod in_progress;
mod instrumented;
mod krate;
mod label_set;
mod label_value;
mod metrics;
mod names;
mod symbol;
mod timed;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// See `promenade::LabelValue`.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    label_value::derive(&parse_macro_input!(input as DeriveInput)).into()
}

/// See `promenade::LabelSet`.
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(input: TokenStream) -> TokenStream {
    label_set::derive(&parse_macro_input!(input as DeriveInput)).into()
}

/// See `promenade::Metrics`.
#[proc_macro_derive(Metrics, attributes(metrics, metric))]
pub fn derive_metrics(input: TokenStream) -> TokenStream {
    metrics::derive(&parse_macro_input!(input as DeriveInput)).into()
}

/// See `promenade::timed`.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    timed::expand(args.into(), item.into()).into()
}

/// See `promenade::counted`.
#[proc_macro_attribute]
pub fn counted(args: TokenStream, item: TokenStream) -> TokenStream {
    counted::expand(args.into(), item.into()).into()
}

/// See `promenade::counted_exceptions`.
#[proc_macro_attribute]
pub fn counted_exceptions(args: TokenStream, item: TokenStream) -> TokenStream {
    counted_exceptions::expand(args.into(), item.into()).into()
}

/// See `promenade::in_progress`.
#[proc_macro_attribute]
pub fn in_progress(args: TokenStream, item: TokenStream) -> TokenStream {
    in_progress::expand(args.into(), item.into()).into()
}

/// See `promenade::instrumented`.
#[proc_macro_attribute]
pub fn instrumented(args: TokenStream, item: TokenStream) -> TokenStream {
    instrumented::expand(args.into(), item.into()).into()
}

/// See `promenade::families`.
#[proc_macro_attribute]
pub fn families(args: TokenStream, item: TokenStream) -> TokenStream {
    families::expand(args.into(), item.into()).into()
}
