//! `#[counted]`: a counter incremented as the call starts.

use proc_macro2::TokenStream;
use quote::quote;

use crate::fn_attr::args::Resolved;
use crate::fn_attr::{self, FnCx, Kind, Plan, Spec};

/// Expands `#[counted(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::Counted, args, item, plan)
}

/// Also used by `#[instrumented]`.
pub(crate) fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    let (krate, private) = (&cx.krate, &cx.private);
    let local = fn_attr::local("calls");
    let spec = Spec {
        shared: quote!(Site<#krate::Counter>),
        shared_extra: quote!(),
        own: quote!(#krate::Counter),
    };
    let (bind, local) = fn_attr::bind(cx, &local, &args.target, spec);
    let count = quote!(#private::count_call(#local));
    Plan {
        entry: quote! {
            #bind
            #count;
        },
        on_return: None,
    }
}
