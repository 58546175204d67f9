//! Placeholder until the attribute lands: it refuses to expand, with a clear message.

pub(crate) fn expand(
    _args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut out = syn::Error::new(
        proc_macro2::Span::call_site(),
        "#[timed] is not implemented yet",
    )
    .to_compile_error();
    out.extend(item);
    out
}
