//! What the function attributes (`#[timed]`, `#[counted]`, `#[counted_exceptions]`,
//! `#[in_progress]`, `#[instrumented]`) share: argument parsing (`args.rs`), surgery on
//! the function (`surgery.rs`), and the application to each method of an impl block.
//!
//! Each attribute's own folder only says what to record: a [`Plan`] of statements run on
//! entry (a call site and a guard) and, when it needs to see how the call ended,
//! statements run on the returned value.
//!
//! On any error the user's item is re-emitted unchanged beside the error, so the rest of
//! their code still type-checks.

pub(crate) mod args;
mod surgery;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ctxt::Ctxt;
use crate::krate;
use crate::names;
use crate::symbol::SKIP;
use args::{Args, Resolved, Target};

/// Which attribute is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Timed,
    Counted,
    CountedExceptions,
    InProgress,
    Instrumented,
}

impl Kind {
    /// The attribute's name, as users write it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Timed => "timed",
            Kind::Counted => "counted",
            Kind::CountedExceptions => "counted_exceptions",
            Kind::InProgress => "in_progress",
            Kind::Instrumented => "instrumented",
        }
    }

    /// The arguments it accepts, in the order error messages list them.
    pub(crate) fn accepted(self) -> &'static [&'static str] {
        use crate::symbol::{BUCKETS, CRATE, HELP, METRIC, NAME, ONLY, OUTCOME};
        match self {
            Kind::Timed => &[NAME, HELP, BUCKETS, METRIC, OUTCOME, SKIP, CRATE],
            Kind::Counted | Kind::InProgress => &[NAME, HELP, METRIC, SKIP, CRATE],
            Kind::CountedExceptions => &[NAME, HELP, METRIC, ONLY, SKIP, CRATE],
            Kind::Instrumented => &[NAME, HELP, BUCKETS, METRIC, SKIP, CRATE],
        }
    }

    /// The shared family of the bare form.
    pub(crate) fn shared_family(self, outcome: bool) -> &'static str {
        match self {
            Kind::Timed if outcome => "function_outcome_duration_seconds",
            Kind::Timed => "function_duration_seconds",
            Kind::Counted => "function_calls_total",
            Kind::CountedExceptions => "function_errors_total",
            Kind::InProgress => "function_in_progress",
            Kind::Instrumented => "function_*",
        }
    }

    /// What the named form creates, for messages.
    pub(crate) fn own_metric(self) -> &'static str {
        match self {
            Kind::Timed => "histogram",
            Kind::Counted | Kind::CountedExceptions => "counter",
            Kind::InProgress => "gauge",
            Kind::Instrumented => "metric",
        }
    }

    /// What the attribute does to a call, for messages.
    fn verb(self) -> &'static str {
        match self {
            Kind::Timed => "time",
            Kind::Counted | Kind::CountedExceptions => "count",
            Kind::InProgress => "track",
            Kind::Instrumented => "measure",
        }
    }

    /// Why a `const fn` cannot carry the attribute.
    fn const_reason(self) -> &'static str {
        match self {
            Kind::Timed => "a call evaluated at compile time has no duration",
            Kind::Counted => "a call evaluated at compile time cannot be counted",
            Kind::CountedExceptions => "a call evaluated at compile time cannot be counted",
            Kind::InProgress => "a call evaluated at compile time is never in flight",
            Kind::Instrumented => "a call evaluated at compile time cannot be measured",
        }
    }
}

/// What one attribute adds to one function.
pub(crate) struct Plan {
    /// Statements inserted first in the body: the call site and the guards.
    pub(crate) entry: TokenStream,
    /// Statements run once the body has produced its value, with `__promenade_ret` (the
    /// value) and `__promenade_returned` (a `__private::Returned`, how it ended) in scope.
    /// `None` when entry guards are enough.
    pub(crate) on_return: Option<TokenStream>,
}

impl Plan {
    /// Both plans, `self` first.
    pub(crate) fn merge(mut self, other: Plan) -> Plan {
        self.entry.extend(other.entry);
        self.on_return = match (self.on_return, other.on_return) {
            (None, None) => None,
            (a, b) => Some(a.into_iter().chain(b).collect()),
        };
        self
    }
}

/// What an attribute knows of the function it instruments.
pub(crate) struct FnCx {
    pub(crate) kind: Kind,
    /// The function's name (raw identifiers unprefixed).
    pub(crate) fn_name: String,
    /// `async fn`, or an `#[async_trait]` body: the call can be cancelled.
    pub(crate) is_async: bool,
    /// `::promenade` or `crate = ...`.
    pub(crate) krate: TokenStream,
    /// `#krate::__private`.
    pub(crate) private: TokenStream,
}

/// The types one attribute records into, for [`bind`].
pub(crate) struct Spec {
    /// The call site type of the bare form, in `__private` (`Site<M>`, `OutcomeSite`,
    /// `ErrorSite`).
    pub(crate) shared: TokenStream,
    /// Arguments of the site's `new` after the function and module names.
    pub(crate) shared_extra: TokenStream,
    /// The metric type of the named form (the `M` of `__private::OwnMetric<M>`).
    pub(crate) own: TokenStream,
}

/// Binds `local` to what the attribute records into: the bare form's call site (a
/// `static` submitted through `inventory`), the named form's own metric (a `static`
/// registered in the default registry), or `&(metric expression)`. Each `static` sits in
/// a block of its own, so stacked attributes never clash. Returns the statement and the
/// local to use: for `metric = ...` it carries the expression's span, so a probe taking it
/// (`__private::count_call(local)`) reports a wrong kind of metric at the user's path.
pub(crate) fn bind(
    cx: &FnCx,
    local: &syn::Ident,
    target: &Target,
    spec: Spec,
) -> (TokenStream, syn::Ident) {
    let private = &cx.private;
    let fn_name = &cx.fn_name;
    match target {
        Target::Shared => {
            let Spec {
                shared,
                shared_extra,
                ..
            } = spec;
            let stmt = quote! {
                let #local = {
                    static __PROMENADE_SITE: #private::#shared =
                        <#private::#shared>::new(#fn_name, ::core::module_path!() #shared_extra);
                    #private::inventory::submit! {
                        #private::SiteRef(&__PROMENADE_SITE)
                    }
                    &__PROMENADE_SITE
                };
            };
            (stmt, local.clone())
        }
        Target::Own {
            name,
            help,
            buckets,
        } => {
            let own = spec.own;
            let defined_at = format!("`{name}` (`#[{}]` on `{fn_name}` in ", cx.kind.name());
            let site = own_site(
                &quote!(#private::OwnMetric<#own>),
                (name, help, buckets.as_ref()),
                &defined_at,
                private,
            );
            (quote!(let #local = #site;), local.clone())
        }
        Target::Metric(expr) => {
            let local = syn::Ident::new(&local.to_string(), args::metric_span(expr));
            (quote!(let #local = &(#expr);), local)
        }
    }
}

/// A block evaluating to a `&'static` of the function's own metric (`site_type`: an
/// `OwnMetric<_>` or `OwnFunctionMetrics`, built by its `const fn new(name, help, buckets,
/// defined_at)`), which registers itself in the default registry.
pub(crate) fn own_site(
    site_type: &TokenStream,
    (name, help, buckets): (&str, &str, Option<&crate::buckets::Bounds>),
    defined_at: &str,
    private: &TokenStream,
) -> TokenStream {
    // An empty list is the default buckets.
    let buckets = buckets.map_or_else(|| quote!(&[]), |b| b.tokens(private));
    quote! {{
        static __PROMENADE_SITE: #site_type = <#site_type>::new(
            #name,
            #help,
            #buckets,
            ::core::concat!(#defined_at, ::core::module_path!(), ")"),
        );
        #private::inventory::submit! {
            #private::AutoRegistration {
                register: |registry| __PROMENADE_SITE.register(registry),
            }
        }
        &__PROMENADE_SITE
    }}
}

/// How the call ended, from `__promenade_ret`: autoref-based dispatch picks the error's
/// label value when its type is a `LabelValue`, `error` for any other `Result::Err`, and
/// `ok` for everything else, without specialization.
pub(crate) fn classify(private: &TokenStream) -> TokenStream {
    quote! {{
        #[allow(unused_imports)]
        use #private::{ClassifyLabelled as _, ClassifyOther as _, ClassifyResult as _};
        (&&&#private::Probe(&__promenade_ret)).promenade_classify()
    }}
}

/// A local name for one attribute's binding.
pub(crate) fn local(name: &str) -> syn::Ident {
    format_ident!("__promenade_{}", name)
}

type PlanFn = fn(&FnCx, &Resolved) -> Plan;

/// Expands `#[<kind>(args)] item` where item is a function or an impl block.
pub(crate) fn expand(
    kind: Kind,
    args: TokenStream,
    item: TokenStream,
    plan: PlanFn,
) -> TokenStream {
    let args = match args::parse(kind, args) {
        Ok(a) => a,
        Err(e) => return with_item(e, item),
    };
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(mut func)) => {
            if let Some(skip) = &args.skip {
                let e = syn::Error::new_spanned(
                    skip,
                    format!(
                        "`{SKIP}` only applies to a method of an impl block annotated with `#[{k}]`; remove the attribute to leave the function alone",
                        k = kind.name()
                    ),
                );
                return with_item(e, item);
            }
            match instrument(kind, &args, &func.attrs, &func.sig, &mut func.block, plan) {
                Ok(()) => quote!(#func),
                Err(e) => with_item(e, item),
            }
        }
        Ok(syn::Item::Impl(imp)) => impl_block(kind, &args, imp, plan),
        Ok(syn::Item::Verbatim(_)) if bodyless_method(kind, &item).is_some() => {
            let e = bodyless_method(kind, &item).expect("checked just above");
            with_item(e, item)
        }
        Ok(other) => {
            let e = syn::Error::new_spanned(
                item_head(&other),
                format!(
                    "`#[{k}]` goes on a function or an impl block (it then instruments each method)",
                    k = kind.name()
                ),
            );
            with_item(e, item)
        }
        Err(e) => with_item(e, item),
    }
}

/// A trait method's declaration (no body), which syn reads as a verbatim item.
fn bodyless_method(kind: Kind, item: &TokenStream) -> Option<syn::Error> {
    let f = syn::parse2::<syn::TraitItemFn>(item.clone()).ok()?;
    if f.default.is_some() {
        return None;
    }
    let (tok, ident) = (&f.sig.fn_token, &f.sig.ident);
    Some(syn::Error::new_spanned(
        quote!(#tok #ident),
        format!(
            "a trait method without a body has nothing to {verb}; put `#[{k}]` on the impl's method or give the trait method a default body",
            verb = kind.verb(),
            k = kind.name()
        ),
    ))
}

fn with_item(e: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = e.to_compile_error();
    out.extend(item);
    out
}

/// The tokens an error about a whole item points at: its keyword and name, not its body.
fn item_head(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(s) => {
            let (tok, ident) = (&s.struct_token, &s.ident);
            quote!(#tok #ident)
        }
        syn::Item::Enum(e) => {
            let (tok, ident) = (&e.enum_token, &e.ident);
            quote!(#tok #ident)
        }
        syn::Item::Trait(t) => {
            let (tok, ident) = (&t.trait_token, &t.ident);
            quote!(#tok #ident)
        }
        syn::Item::Mod(m) => {
            let (tok, ident) = (&m.mod_token, &m.ident);
            quote!(#tok #ident)
        }
        other => quote!(#other),
    }
}

/// Instruments one function (or method) in place.
fn instrument(
    kind: Kind,
    args: &Args,
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    block: &mut syn::Block,
    plan: PlanFn,
) -> syn::Result<()> {
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            format!(
                "`#[{k}]` cannot be used on a `const fn`: {reason}; remove `const` or the attribute",
                k = kind.name(),
                reason = kind.const_reason()
            ),
        ));
    }
    let target = surgery::Body::find(sig, block);
    let resolved = args::resolve(kind, args, attrs, &target.output, &sig.ident)?;
    let krate = krate::path(args.krate.as_ref());
    let cx = FnCx {
        kind,
        fn_name: names::unraw(&sig.ident),
        is_async: target.is_async,
        private: quote!(#krate::__private),
        krate,
    };
    let plan = plan(&cx, &resolved);
    target.apply(plan, &cx.private)
}

/// `#[<kind>] impl ...`: every method is instrumented with the block's arguments, except
/// those with `#[<kind>(skip)]` (the attribute is removed), those with a bare `#[skip]`
/// (left alone by every function attribute on the block; the last of them to run removes
/// it) and those with a `#[<kind>(...)]` of their own (which runs after this one).
fn impl_block(kind: Kind, args: &Args, mut imp: syn::ItemImpl, plan: PlanFn) -> TokenStream {
    // Another of our attributes still to run on this block needs the bare `#[skip]` too.
    let last_of_ours = !imp.attrs.iter().any(is_fn_attr);
    // What is re-emitted on error: the block as written, minus the `skip` markers that
    // would otherwise each report that they are out of place.
    let mut original = imp.clone();
    for item in &mut original.items {
        if let syn::ImplItem::Fn(f) = item {
            if let Some((i, true)) = own_attr(kind, &f.attrs) {
                f.attrs.remove(i);
            }
            if last_of_ours {
                f.attrs.retain(|a| !is_bare_skip(a));
            }
        }
    }
    if let Err(e) = args.check_for_impl(kind) {
        return with_item(e, quote!(#original));
    }
    let mut cx = Ctxt::new();
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if f.attrs.iter().any(is_bare_skip) {
            if last_of_ours {
                f.attrs.retain(|a| !is_bare_skip(a));
            }
            continue;
        }
        match own_attr(kind, &f.attrs) {
            Some((i, true)) => {
                f.attrs.remove(i);
                continue;
            }
            Some((_, false)) => continue,
            None => {}
        }
        if f.sig.constness.is_some() {
            cx.error_spanned_by(
                f.sig.constness,
                format!(
                    "`#[{k}]` on this impl block cannot instrument a `const fn`: {reason}; mark the method `#[{SKIP}]` or remove `const`",
                    k = kind.name(),
                    reason = kind.const_reason()
                ),
            );
            continue;
        }
        if let Err(e) = instrument(kind, args, &f.attrs, &f.sig, &mut f.block, plan) {
            cx.syn_error(e);
        }
    }
    match cx.check() {
        Ok(()) => quote!(#imp),
        Err(e) => with_item(e, quote!(#original)),
    }
}

/// `#[skip]`, with no arguments: the method is left alone by every function attribute on
/// its impl block.
fn is_bare_skip(attr: &syn::Attribute) -> bool {
    matches!(&attr.meta, syn::Meta::Path(p) if p.is_ident(SKIP))
}

/// One of the function attributes (`#[timed]`, `#[promenade::counted(...)]`, ...), by the
/// last segment of its path.
fn is_fn_attr(attr: &syn::Attribute) -> bool {
    const KINDS: [Kind; 5] = [
        Kind::Timed,
        Kind::Counted,
        Kind::CountedExceptions,
        Kind::InProgress,
        Kind::Instrumented,
    ];
    attr.path()
        .segments
        .last()
        .is_some_and(|last| KINDS.iter().any(|k| last.ident == k.name()))
}

/// The method's own `#[<kind>(...)]`, if any: its index, and whether it is `skip`.
fn own_attr(kind: Kind, attrs: &[syn::Attribute]) -> Option<(usize, bool)> {
    attrs.iter().enumerate().find_map(|(i, a)| {
        let last = a.path().segments.last()?;
        if last.ident != kind.name() {
            return None;
        }
        let skip = match &a.meta {
            syn::Meta::List(list) => list
                .parse_args::<syn::Ident>()
                .map(|ident| ident == SKIP)
                .unwrap_or(false),
            _ => false,
        };
        Some((i, skip))
    })
}
