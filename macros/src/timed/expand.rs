//! `#[timed]` output: the user's function with a timer guard as the first statement of
//! its body, and the call site's statics beside it.
//!
//! The guard observes in `Drop`, so every exit is timed: return, `?`, panic. In an
//! `async fn` the body (and so the guard) starts at the first poll and is dropped when the
//! future completes or is dropped unfinished, so a cancelled call is timed too. The
//! user's statements keep their tokens and spans, so errors inside the body point at the
//! user's code.

use proc_macro2::TokenStream;
use quote::quote;

use super::attr::TimedArgs;
use crate::krate;

pub(crate) fn expand(args: TimedArgs, mut func: syn::ItemFn) -> TokenStream {
    if let Some(constness) = &func.sig.constness {
        let err = syn::Error::new_spanned(
            constness,
            "`#[timed]` cannot be used on a `const fn`: a call evaluated at compile time has no duration; remove `const` or the attribute",
        )
        .to_compile_error();
        return quote!(#err #func);
    }
    let krate = krate::path(args.krate.as_ref());
    let private = quote!(#krate::__private);
    let fn_name = func.sig.ident.to_string();

    let site = match &args.own {
        None => quote! {
            static __PROMENADE_TIMED: #private::TimedSite =
                #private::TimedSite::new(#fn_name, ::core::module_path!());
            #private::inventory::submit! {
                #private::TimedSiteRef(&__PROMENADE_TIMED)
            }
        },
        Some(own) => {
            let name = &own.name;
            let help = &own.help;
            let buckets = &own.buckets;
            let defined_at = format!("`{name}` (`#[timed]` on `{fn_name}` in ");
            quote! {
                static __PROMENADE_TIMED: #private::NamedTimer = #private::NamedTimer::new(
                    #name,
                    #help,
                    &[#(#buckets),*],
                    ::core::concat!(#defined_at, ::core::module_path!(), ")"),
                );
                #private::inventory::submit! {
                    #private::AutoRegistration {
                        register: |registry| __PROMENADE_TIMED.register(registry),
                    }
                }
            }
        }
    };

    let stmts = std::mem::take(&mut func.block.stmts);
    let body: syn::Block = syn::parse_quote! {{
        #site
        let __promenade_timer = __PROMENADE_TIMED.start();
        #(#stmts)*
    }};
    // Keep the user's braces (and their span) around the new statement list.
    func.block.stmts = body.stmts;
    quote!(#func)
}
