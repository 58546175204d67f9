//! `#[in_progress]`: a gauge incremented on entry and decremented by a guard's `Drop` on
//! every exit: return, `?`, panic, and a future dropped unfinished.

use proc_macro2::TokenStream;
use quote::quote;

use crate::fn_attr::args::Resolved;
use crate::fn_attr::{self, FnCx, Kind, Plan, Spec};

/// Expands `#[in_progress(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::InProgress, args, item, plan)
}

/// Also used by `#[instrumented]`.
pub(crate) fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    let (krate, private) = (&cx.krate, &cx.private);
    let local = fn_attr::local("in_flight");
    let spec = Spec {
        shared: quote!(Site<#krate::IntGauge>),
        shared_extra: quote!(),
        own: quote!(#krate::IntGauge),
    };
    let (bind, local) = fn_attr::bind(cx, &local, &args.target, spec);
    let enter = quote!(#private::enter(#local));
    Plan {
        entry: quote! {
            #bind
            let __promenade_in_flight_guard = #enter;
        },
        on_return: None,
    }
}
