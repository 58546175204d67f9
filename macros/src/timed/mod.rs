//! `#[timed]`: parse the arguments and the function, validate, expand.

mod attr;
mod expand;

use proc_macro2::TokenStream;

/// Expands `#[timed(args)] item`. On any error the user's function is re-emitted
/// unchanged beside the error, so the rest of their code still type-checks.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let args = match attr::parse(args, &func) {
        Ok(a) => a,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    expand::expand(args, func)
}
