//! [`Format`]: the one list of exposition formats, shared by the encoders, content
//! negotiation, the flattening of points into samples and the parser. Depends on nothing
//! else in the crate.

/// An exposition format.
///
/// ```
/// use promenade::encoding::Format;
///
/// assert_eq!(Format::Text.content_type(), "text/plain; version=0.0.4; charset=utf-8");
/// assert_eq!(
///     Format::from_content_type("application/openmetrics-text; version=1.0.0"),
///     Format::OpenMetrics
/// );
/// assert_eq!(
///     Format::from_content_type(
///         "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
///     ),
///     Format::Protobuf
/// );
/// // Anything else is read as text 0.0.4, as Prometheus 2 reads it.
/// assert_eq!(Format::from_content_type(""), Format::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text 0.0.4: no `_created`, no exemplars, every value as recorded.
    Text,
    /// OpenMetrics 1.0: `_created` (unless
    /// [disabled](crate::metrics::disable_created_metrics)), exemplars (only those inside
    /// their bucket), and only the values the spec allows: no histogram `_sum`/`_count`
    /// beside a negative bucket or when the sum is negative or NaN, no summary
    /// `_sum`/`_count` when the sum is negative or NaN, no negative summary quantile, no
    /// gauge-histogram `_gsum`/`_gcount` when `_gsum` is NaN or negative over non-negative
    /// buckets.
    OpenMetrics,
    /// The Prometheus protobuf format: length-delimited `io.prometheus.client.MetricFamily`
    /// messages (feature `protobuf`). Creation times and exemplars as OpenMetrics has
    /// them, every value as recorded, as text 0.0.4 has them.
    Protobuf,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Protobuf => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }

    /// The format a scrape answered with, from its `Content-Type` header, the way
    /// Prometheus 2 picks its parser: OpenMetrics for `application/openmetrics-text`,
    /// protobuf for `application/vnd.google.protobuf` (with `proto` and `encoding`, when
    /// given, naming delimited `MetricFamily` messages), text 0.0.4 for anything else.
    pub fn from_content_type(content_type: &str) -> Format {
        let mut params = content_type.split(';');
        let media = params.next().unwrap_or("").trim();
        if media.eq_ignore_ascii_case("application/openmetrics-text") {
            return Format::OpenMetrics;
        }
        if media.eq_ignore_ascii_case("application/vnd.google.protobuf") {
            let fits = params.all(|p| match p.split_once('=') {
                Some((k, v)) => {
                    let v = v.trim().trim_matches('"');
                    match k.trim().to_ascii_lowercase().as_str() {
                        "proto" => v == "io.prometheus.client.MetricFamily",
                        "encoding" => v == "delimited",
                        _ => true,
                    }
                }
                None => true,
            });
            if fits {
                return Format::Protobuf;
            }
        }
        Format::Text
    }

    /// Whether samples carry creation times and exemplars (OpenMetrics, protobuf).
    pub(crate) fn has_created_and_exemplars(self) -> bool {
        !matches!(self, Format::Text)
    }

    /// Whether the values OpenMetrics forbids are left out.
    pub(crate) fn openmetrics_values_only(self) -> bool {
        matches!(self, Format::OpenMetrics)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Text => "text 0.0.4",
            Format::OpenMetrics => "OpenMetrics 1.0",
            Format::Protobuf => "protobuf",
        })
    }
}

/// How names outside the legacy character set (`[a-zA-Z_:][a-zA-Z0-9_:]*`) are written:
/// the `escaping` parameter of a scrape's `Accept` header, as Prometheus 3 sends it, and
/// of the `Content-Type` answered. Legacy names are written as they are in every scheme.
///
/// ```
/// use promenade::encoding::Escaping;
///
/// let name = "http.server.duration";
/// assert_eq!(Escaping::AllowUtf8.escape(name), "http.server.duration");
/// assert_eq!(Escaping::Underscores.escape(name), "http_server_duration");
/// assert_eq!(Escaping::Dots.escape("my.metric_total"), "my_dot_metric__total");
/// assert_eq!(Escaping::Values.escape("my.metric_total"), "U__my_2e_metric__total");
/// // A legacy name never changes.
/// assert_eq!(Escaping::Dots.escape("http_requests_total"), "http_requests_total");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Escaping {
    /// `allow-utf-8`: names verbatim; in the text formats a name outside the legacy set
    /// is quoted (`{"http.server.duration","url.scheme"="https"}`).
    AllowUtf8,
    /// `underscores` (the default when a scraper names none): every character outside
    /// the legacy set becomes `_`.
    #[default]
    Underscores,
    /// `dots`: `.` becomes `_dot_`, `_` becomes `__`, any other character outside the
    /// legacy set `__`, so that dotted names can be told back.
    Dots,
    /// `values`: the name is prefixed with `U__`, `_` becomes `__`, and any other
    /// character outside the legacy set its code point in hex between underscores
    /// (`.` → `_2e_`), so that every name can be told back.
    Values,
}

impl Escaping {
    /// The parameter's value (`allow-utf-8`, `underscores`, `dots`, `values`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Escaping::AllowUtf8 => "allow-utf-8",
            Escaping::Underscores => "underscores",
            Escaping::Dots => "dots",
            Escaping::Values => "values",
        }
    }

    /// The scheme a parameter value names, if any.
    pub fn from_param(value: &str) -> Option<Escaping> {
        [
            Escaping::AllowUtf8,
            Escaping::Underscores,
            Escaping::Dots,
            Escaping::Values,
        ]
        .into_iter()
        .find(|e| e.as_str().eq_ignore_ascii_case(value))
    }

    /// `name` as this scheme writes it, the way Prometheus's own model package escapes
    /// names: a legacy name (or an empty one) as it is, any other by the scheme's rules.
    pub fn escape(self, name: &str) -> std::borrow::Cow<'_, str> {
        self.escape_as(name, false)
    }

    /// `name`, a label name, as this scheme writes it: like [`escape`](Self::escape), but
    /// `:` is outside the legacy set of label names (`[a-zA-Z_][a-zA-Z0-9_]*`), so a
    /// name with one is escaped too.
    ///
    /// ```
    /// use promenade::encoding::Escaping;
    /// assert_eq!(Escaping::Underscores.escape_label("url.scheme"), "url_scheme");
    /// assert_eq!(Escaping::Underscores.escape_label("a:b"), "a_b");
    /// assert_eq!(Escaping::Underscores.escape("a:b"), "a:b");
    /// ```
    pub fn escape_label(self, name: &str) -> std::borrow::Cow<'_, str> {
        self.escape_as(name, true)
    }

    fn escape_as(self, name: &str, label: bool) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        if self == Escaping::AllowUtf8 || is_legacy(name, label) || name.is_empty() {
            return Cow::Borrowed(name);
        }
        let mut out = String::with_capacity(name.len() + 8);
        if self == Escaping::Values {
            out.push_str("U__");
        }
        for (i, c) in name.chars().enumerate() {
            let legacy = is_legacy_char(c, i == 0) && !(label && c == ':');
            match self {
                Escaping::Underscores => out.push(if legacy { c } else { '_' }),
                Escaping::Dots => match c {
                    '_' => out.push_str("__"),
                    '.' => out.push_str("_dot_"),
                    c if legacy => out.push(c),
                    _ => out.push_str("__"),
                },
                _ => match c {
                    '_' => out.push_str("__"),
                    c if legacy => out.push(c),
                    c => {
                        use std::fmt::Write;
                        let _ = write!(out, "_{:x}_", u32::from(c));
                    }
                },
            }
        }
        Cow::Owned(out)
    }
}

impl std::fmt::Display for Escaping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `c` is in the legacy character set of metric names at this position.
fn is_legacy_char(c: char, first: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (!first && c.is_ascii_digit())
}

/// Whether `name` is a legacy metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`, or with `label`
/// a legacy label name, the same without `:`.
pub(crate) fn is_legacy(name: &str, label: bool) -> bool {
    // Bytes, not chars: every legacy character is ASCII, so a byte of a multi-byte
    // character fails as its character would. The encoders ask this for every label of
    // every series.
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || (b == b':' && !label);
    match name.as_bytes().split_first() {
        Some((&first, rest)) => !first.is_ascii_digit() && ok(first) && rest.iter().all(|&b| ok(b)),
        None => false,
    }
}
