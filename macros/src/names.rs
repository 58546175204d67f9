//! The Prometheus name grammar, checked at compile time. The runtime checks the same rules
//! for names that only exist at run time (`promenade::validate`); the two cannot share code
//! because a proc-macro crate cannot depend on the runtime.

/// Why `name` is not a valid metric name, or `None` if it is.
pub(crate) fn metric_name_error(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Some("a metric name cannot be empty"),
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => {}
        Some(_) => return Some("a metric name must start with a letter, `_` or `:`"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
        return Some("a metric name may only contain ASCII letters, digits, `_` and `:`");
    }
    if name.starts_with("__") {
        return Some("names starting with `__` are reserved for Prometheus' own use");
    }
    None
}

/// Why `name` is not a valid label name, or `None` if it is.
pub(crate) fn label_name_error(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Some("a label name cannot be empty"),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        Some(_) => return Some("a label name must start with a letter or `_`"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some("a label name may only contain ASCII letters, digits and `_`");
    }
    if name.starts_with("__") {
        return Some("label names starting with `__` are reserved for Prometheus' own use");
    }
    None
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
