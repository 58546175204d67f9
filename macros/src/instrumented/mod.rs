//! `#[instrumented]`: the common case in one attribute: calls (`#[counted]`), calls in
//! flight (`#[in_progress]`), errors by kind (`#[counted_exceptions]`) and the duration by
//! outcome (`#[timed(outcome)]`), with one classification of the returned value for both
//! of the latter.
//!
//! Bare, each part records into its shared family. Named (`name = "backup"`) and with
//! `metric = EXPR`, the four parts record into one `__private::FunctionMetrics`: the
//! function's own (a `static` registered in the default registry) or the user's, bound
//! once and checked by one probe spanned at `EXPR`; the parts then record into its fields.

use proc_macro2::TokenStream;
use quote::quote;

use crate::fn_attr::args::{Resolved, Target};
use crate::fn_attr::{self, FnCx, Kind, Plan};

/// Expands `#[instrumented(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    fn_attr::expand(Kind::Instrumented, args, item, plan)
}

fn plan(cx: &FnCx, args: &Resolved) -> Plan {
    let Some(bind) = bind_group(cx, &args.target) else {
        return parts(cx, args);
    };
    let private = &cx.private;
    let group = fn_attr::local("function_metrics");
    // Each part records into a field of the group, as with its own `metric = ...`.
    let field = |expr: TokenStream| Resolved {
        target: Target::Metric(syn::parse_quote!(#expr)),
        outcome: true,
        only: None,
    };
    let Plan { entry, on_return } = crate::counted::plan(cx, &field(quote!(*#group.calls())))
        .merge(crate::in_progress::plan(
            cx,
            &field(quote!(*#group.in_progress())),
        ))
        .merge(crate::timed::outcome_plan(
            cx,
            &field(quote!(*#group.duration())),
        ))
        .merge(crate::counted_exceptions::plan(
            cx,
            &field(quote!(*#private::function_errors(#group))),
        ));
    Plan {
        entry: quote! {
            #bind
            #entry
        },
        on_return,
    }
}

/// The four parts, each into its own target (the shared families).
fn parts(cx: &FnCx, args: &Resolved) -> Plan {
    crate::counted::plan(cx, args)
        .merge(crate::in_progress::plan(cx, args))
        .merge(crate::timed::outcome_plan(cx, args))
        .merge(crate::counted_exceptions::plan(cx, args))
}

/// Binds `__promenade_function_metrics` to the `&FunctionMetrics` the named form creates
/// or `metric = EXPR` names; `None` for the bare form.
fn bind_group(cx: &FnCx, target: &Target) -> Option<TokenStream> {
    let private = &cx.private;
    let group = fn_attr::local("function_metrics");
    match target {
        Target::Shared => None,
        Target::Own {
            name,
            help,
            buckets,
        } => {
            let defined_at = format!(
                "`{name}_*` (`#[{}]` on `{}` in ",
                cx.kind.name(),
                cx.fn_name
            );
            let site = fn_attr::own_site(
                &quote!(#private::OwnFunctionMetrics),
                (name, help, buckets.as_ref()),
                &defined_at,
                private,
            );
            Some(quote!(let #group = #private::function_metrics(#site);))
        }
        Target::Metric(expr) => {
            // Spanned at the expression, so a value of another type is reported there.
            let given = syn::Ident::new(
                "__promenade_function_metrics_given",
                fn_attr::args::metric_span(expr),
            );
            Some(quote! {
                let #given = &(#expr);
                let #group = #private::function_metrics(#given);
            })
        }
    }
}
