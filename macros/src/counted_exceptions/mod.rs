//! `#[counted_exceptions]`: counts calls that return `Err` (labelled with the error's
//! kind when its type is a `LabelValue`) and calls that panic. The panic is counted by a
//! guard's `Drop` during unwinding and goes on: nothing is caught, so the function's
//! unwind safety is unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use crate::fn_attr::args::Resolved;
use crate::fn_attr::{self, FnCx, Kind, Plan, Spec};

/// Expands `#[counted_exceptions(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::CountedExceptions, args, item, plan)
}

/// Also used by `#[instrumented]`.
pub(crate) fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    let private = &cx.private;
    // With `only = [...]` just the listed errors count; panics are not among them.
    let counts_panics = args.only.is_none();
    let local = fn_attr::local("errors");
    let spec = Spec {
        shared: quote!(ErrorSite),
        shared_extra: quote!(, #counts_panics),
        own: quote!(#private::KindCounter),
    };
    let (bind, local) = fn_attr::bind(cx, &local, &args.target, spec);
    let watch = quote!(#private::watch_errors(#local, #counts_panics));
    let finish = match &args.only {
        None => quote! {
            __promenade_error_guard.finish(&__promenade_returned);
        },
        Some(patterns) => {
            let classify = fn_attr::classify(private);
            quote! {
                __promenade_error_guard.finish(&#private::Returned::only_if(
                    #classify,
                    ::core::matches!(
                        &__promenade_ret,
                        ::core::result::Result::Err(#(#patterns)|*)
                    ),
                ));
            }
        }
    };
    Plan {
        entry: quote! {
            #bind
            let __promenade_error_guard = #watch;
        },
        on_return: Some(finish),
    }
}
