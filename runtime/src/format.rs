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
