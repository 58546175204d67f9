//! Doc comment → HELP, the one rule of every macro (`#[derive(Metrics)]` fields, the
//! function attributes' named forms, `FunctionMetrics` through them):
//!
//! HELP is the doc comment's **first paragraph**, its summary as rustdoc shows it in
//! lists: each line trimmed, the lines joined with one space. A blank line ends it; what
//! follows (details, `# Examples`, `# Errors`) stays documentation only. A doc comment
//! with no text gives no HELP (and `help = "..."` is then needed).

/// The text of each `#[doc = "..."]` (what `///` lines become), in order.
pub(crate) fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => crate::ctxt::lit_str(&nv.value).map(syn::LitStr::value),
            _ => None,
        })
        .collect()
}

/// The HELP text of a doc comment given as its lines (see the module's rule).
pub(crate) fn from_doc(lines: &[String]) -> Option<String> {
    let mut help = String::new();
    for line in lines.iter().flat_map(|l| l.split('\n')) {
        let line = line.trim();
        if line.is_empty() {
            if help.is_empty() {
                continue;
            }
            break;
        }
        if !help.is_empty() {
            help.push(' ');
        }
        help.push_str(line);
    }
    (!help.is_empty()).then_some(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(lines: &[&str]) -> Option<String> {
        from_doc(&lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn the_first_paragraph_trimmed_and_joined() {
        assert_eq!(
            help(&[" Jobs queued,", "  waiting."]).as_deref(),
            Some("Jobs queued, waiting.")
        );
        assert_eq!(
            help(&["", " Summary.", "", " Details.", " # Errors"]).as_deref(),
            Some("Summary.")
        );
        assert_eq!(
            help(&["Block\n  comment\n\nrest"]).as_deref(),
            Some("Block comment")
        );
        assert_eq!(help(&[" ", ""]), None);
        assert_eq!(help(&[]), None);
    }
}
