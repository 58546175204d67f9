//! `#[timed]`: a duration per call, into a histogram (or, with `metric = ...`, a summary,
//! or a gauge set to it; the runtime's `DurationMetric` says which). Plain, a timer guard
//! first in the body (recorded in `Drop`, so every exit is timed). With `outcome`, the body's value is
//! classified too and the duration labelled `ok`, `error`, `panicked` or `cancelled`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::fn_attr::args::Resolved;
use crate::fn_attr::{self, FnCx, Kind, Plan, Spec};

/// Expands `#[timed(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::Timed, args, item, plan)
}

pub(crate) fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    if args.outcome {
        outcome_plan(cx, args)
    } else {
        plain_plan(cx, args)
    }
}

fn plain_plan(cx: &FnCx, args: &Resolved) -> Plan {
    let (krate, private) = (&cx.krate, &cx.private);
    let local = fn_attr::local("duration");
    let spec = Spec {
        shared: quote!(Site<#krate::Histogram>),
        shared_extra: quote!(),
        own: quote!(#krate::Histogram),
    };
    let (bind, local) = fn_attr::bind(cx, &local, &args.target, spec);
    let start = quote!(#private::start_timer(#local));
    Plan {
        entry: quote! {
            #bind
            let __promenade_timer = #start;
        },
        on_return: None,
    }
}

/// Also used by `#[instrumented]`.
pub(crate) fn outcome_plan(cx: &FnCx, args: &Resolved) -> Plan {
    let (krate, private) = (&cx.krate, &cx.private);
    let is_async = cx.is_async;
    let local = fn_attr::local("outcome_duration");
    let spec = Spec {
        shared: quote!(OutcomeSite),
        shared_extra: quote!(, #is_async),
        own: quote!(#krate::Family<#krate::Outcome, #krate::Histogram>),
    };
    let (bind, local) = fn_attr::bind(cx, &local, &args.target, spec);
    let start = quote!(#private::start_outcome_timer(#local, #is_async));
    Plan {
        entry: quote! {
            #bind
            let __promenade_outcome_timer = #start;
        },
        on_return: Some(quote! {
            __promenade_outcome_timer.finish(&__promenade_returned);
        }),
    }
}
