//! Surgery on a function body, keeping the user's tokens (and so their spans).
//!
//! - Entry guards go in as the first statements of the body: they are dropped on every
//!   exit (return, `?`, panic), and in an `async fn` they live in the future, so a future
//!   dropped unfinished drops them too.
//! - When an attribute must see how the call ended, the body moves, braces and all, into
//!   a closure called at once (`__private::call_once(|| -> R { … })`: `return` and `?`
//!   keep their meaning) or, in an `async fn`, into an `async { … }.await`. Its value is
//!   bound, classified, and returned.
//! - A body that never returns (`-> !`) gets the entry guards only: there is no value to
//!   classify (and `!` cannot be written as a type on stable), while the drop guards still
//!   see a panic as `panicked`. Generated code that follows the user's block carries
//!   `#[allow(unreachable_code)]`, so a body that never ends (`loop {}`, `todo!()`) adds no
//!   warning of ours.
//! - `#[async_trait]` methods, when that attribute ran first, arrive as a plain fn whose
//!   body is `Box::pin(async move { … })`: the inner async block is what gets instrumented,
//!   so the future is measured, not its allocation.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::visit_mut::VisitMut;

use super::Plan;

/// The body to instrument.
pub(crate) struct Body<'a> {
    block: &'a mut syn::Block,
    /// The call can be cancelled: an `async fn` or an `#[async_trait]` future.
    pub(crate) is_async: bool,
    /// What the body evaluates to (`()` when the signature says nothing).
    pub(crate) output: syn::Type,
}

impl<'a> Body<'a> {
    pub(crate) fn find(sig: &syn::Signature, block: &'a mut syn::Block) -> Self {
        let declared = match &sig.output {
            syn::ReturnType::Default => syn::parse_quote!(()),
            syn::ReturnType::Type(_, ty) => (**ty).clone(),
        };
        if sig.asyncness.is_some() {
            return Body {
                block,
                is_async: true,
                output: declared,
            };
        }
        if let Some(output) = future_output(&declared) {
            if boxed_async_block(block).is_some() {
                let block = boxed_async_block(block).expect("checked just above");
                return Body {
                    block,
                    is_async: true,
                    output,
                };
            }
        }
        Body {
            block,
            is_async: false,
            output: declared,
        }
    }

    pub(crate) fn apply(self, plan: Plan, private: &TokenStream) -> syn::Result<()> {
        let Plan { entry, on_return } = plan;
        let on_return = on_return.filter(|_| !is_never(&self.output));
        let Some(on_return) = on_return else {
            let mut stmts = syn::Block::parse_within.parse2(entry)?;
            stmts.append(&mut self.block.stmts);
            self.block.stmts = stmts;
            return Ok(());
        };
        let inner = syn::Block {
            brace_token: self.block.brace_token,
            stmts: std::mem::take(&mut self.block.stmts),
        };
        let output = &self.output;
        let writable = can_be_written(output);
        let annotation = writable.then(|| quote!(: #output));
        let call = if self.is_async {
            // An async block cannot declare its type: binding the user's block to a typed
            // `let` inside it makes a type error in the body point at the body, not here.
            match writable {
                true => quote!(async {
                    let __promenade_body: #output = #inner;
                    #[allow(unreachable_code)]
                    __promenade_body
                }
                .await),
                false => quote!(async #inner.await),
            }
        } else {
            let arrow = writable.then(|| quote!(-> #output));
            quote!(#private::call_once(|| #arrow #inner))
        };
        let classify = super::classify(private);
        let body = quote! {
            #entry
            let __promenade_ret #annotation = #call;
            #[allow(unreachable_code)]
            let __promenade_returned = #classify;
            #on_return
            __promenade_ret
        };
        self.block.stmts = syn::Block::parse_within.parse2(body)?;
        Ok(())
    }
}

use syn::parse::Parser;

/// `Box::pin(async move { … })` as the last statement, as `#[async_trait]` emits.
fn boxed_async_block(block: &mut syn::Block) -> Option<&mut syn::Block> {
    let syn::Stmt::Expr(syn::Expr::Call(call), None) = block.stmts.last_mut()? else {
        return None;
    };
    let syn::Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if !segments.ends_with(&["Box".to_owned(), "pin".to_owned()]) || call.args.len() != 1 {
        return None;
    }
    match call.args.first_mut()? {
        syn::Expr::Async(a) => Some(&mut a.block),
        _ => None,
    }
}

/// `R` in `Pin<Box<dyn Future<Output = R> + Send + 'a>>`, as `#[async_trait]` writes the
/// return type.
fn future_output(ty: &syn::Type) -> Option<syn::Type> {
    match ty {
        syn::Type::Path(p) => {
            let last = p.path.segments.last()?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => future_output(t),
                _ => None,
            })
        }
        syn::Type::TraitObject(obj) => obj.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => {
                let last = t.path.segments.last()?;
                if last.ident != "Future" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                args.args.iter().find_map(|a| match a {
                    syn::GenericArgument::AssocType(at) if at.ident == "Output" => {
                        Some(at.ty.clone())
                    }
                    _ => None,
                })
            }
            _ => None,
        }),
        syn::Type::Paren(p) => future_output(&p.elem),
        syn::Type::Group(g) => future_output(&g.elem),
        _ => None,
    }
}

/// `!`, possibly in parentheses: the body never returns.
fn is_never(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Never(_) => true,
        syn::Type::Paren(p) => is_never(&p.elem),
        syn::Type::Group(g) => is_never(&g.elem),
        _ => false,
    }
}

/// Whether the type can be written on a `let` and a closure: not with `impl Trait` (only
/// allowed in signatures) or `_`. Otherwise it is left to inference.
fn can_be_written(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl VisitMut for Finder {
        fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {
            self.0 = false;
        }
        fn visit_type_infer_mut(&mut self, _: &mut syn::TypeInfer) {
            self.0 = false;
        }
        fn visit_type_macro_mut(&mut self, _: &mut syn::TypeMacro) {
            self.0 = false;
        }
    }
    let mut finder = Finder(true);
    finder.visit_type_mut(&mut ty.clone());
    finder.0 && !ty.to_token_stream().is_empty()
}
