//! `#[instrumented]`: the common case in one attribute, into the shared families: calls
//! (`#[counted]`), calls in flight (`#[in_progress]`), errors by kind
//! (`#[counted_exceptions]`) and the duration by outcome (`#[timed(outcome)]`), with one
//! classification of the returned value for both of the latter.

use proc_macro2::TokenStream;

use crate::fn_attr::args::Resolved;
use crate::fn_attr::{self, FnCx, Kind, Plan};

/// Expands `#[instrumented(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::Instrumented, args, item, plan)
}

fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    crate::counted::plan(cx, args)
        .merge(crate::in_progress::plan(cx, args))
        .merge(crate::timed::outcome_plan(cx, args))
        .merge(crate::counted_exceptions::plan(cx, args))
}
