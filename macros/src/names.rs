//! Names at compile time. The grammar is the data model's, in `promenade-rules`, which
//! the runtime's `validate` wraps too, so a name is refused with the same reason at compile
//! time, at registration and at scrape time. What is left here is the macros' own: the fix
//! to suggest, `snake_case`, `rename_all`, raw identifiers.

pub(crate) use promenade_rules::names::{label_name_error, metric_name_error, InvalidName};

/// `name` with each character a metric name cannot hold (`-`, `.`, a space) replaced by
/// `_`, when that differs from `name` and is a valid name: the spelling to suggest.
pub(crate) fn metric_name_fix(name: &str) -> Option<String> {
    let fixed: String = name
        .chars()
        .map(|c| {
            if promenade_rules::names::is_metric_name_char(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (fixed != name && metric_name_error(&fixed).is_none()).then_some(fixed)
}

/// `SomeVariantName` → `some_variant_name`.
pub(crate) fn snake_case(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 4);
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The rules `#[label(rename_all = "...")]` accepts.
pub(crate) const RENAME_ALL_RULES: &[&str] = &[
    "snake_case",
    "lowercase",
    "UPPERCASE",
    "kebab-case",
    "SCREAMING_SNAKE_CASE",
    "SCREAMING-KEBAB-CASE",
    "camelCase",
    "PascalCase",
];

/// `ident` (a variant name) spelled by `rule`, or `None` for an unknown rule. Words are
/// found as [`snake_case`] finds them, so `HTTPError` is the two words `http` and `error`.
pub(crate) fn apply_rename_all(rule: &str, ident: &str) -> Option<String> {
    let snake = snake_case(ident);
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let capitalize = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    Some(match rule {
        "snake_case" => words.join("_"),
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "kebab-case" => words.join("-"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "SCREAMING-KEBAB-CASE" => words.join("-").to_uppercase(),
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    (*w).to_owned()
                } else {
                    capitalize(w)
                }
            })
            .collect(),
        "PascalCase" => words.iter().map(|w| capitalize(w)).collect(),
        _ => return None,
    })
}

/// An identifier as written without its raw prefix: `r#type` → `type`.
pub(crate) fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert_eq!(snake_case("Get"), "get");
        assert_eq!(snake_case("NotFound"), "not_found");
        assert_eq!(snake_case("HTTPError"), "http_error");
        assert_eq!(snake_case("Status2xx"), "status2xx");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn grammar() {
        assert!(metric_name_error("http_requests").is_none());
        assert!(metric_name_error("9x").is_some());
        assert!(metric_name_error("__x").is_some());
        assert!(label_name_error("a:b").is_some());
        assert!(label_name_error("le").is_none());
        assert_eq!(
            metric_name_fix("http-requests").as_deref(),
            Some("http_requests")
        );
        assert_eq!(metric_name_fix("9-x"), None);
        assert_eq!(metric_name_fix("ok"), None);
    }

    #[test]
    fn rename_all_rules() {
        let all = |ident: &str| {
            RENAME_ALL_RULES
                .iter()
                .map(|r| apply_rename_all(r, ident).unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            all("NotFound"),
            [
                "not_found",
                "notfound",
                "NOTFOUND",
                "not-found",
                "NOT_FOUND",
                "NOT-FOUND",
                "notFound",
                "NotFound"
            ]
        );
        assert_eq!(
            apply_rename_all("camelCase", "HTTPError").as_deref(),
            Some("httpError")
        );
        assert!(apply_rename_all("Title Case", "Get").is_none());
    }
}
