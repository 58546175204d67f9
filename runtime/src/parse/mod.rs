//! Parsing the Prometheus text format 0.0.4 and OpenMetrics 1.0 into metric families:
//! the Python client's `text_string_to_metric_families`, for proxying metrics from other
//! systems through a [`Collector`](crate::Collector) or checking an exposition in tests.
//!
//! Parsing is **strict** by default: whatever the specifications reject is an
//! [`Err`] with the line and column of the mistake and a message saying what is wrong.
//! Among others:
//!
//! - text 0.0.4: the last line ends in `\n`; one HELP and one TYPE per family, TYPE before
//!   the samples; types `counter`, `gauge`, `histogram`, `summary`, `untyped`; timestamps
//!   are integer milliseconds (`i64`, negative before 1970 — valid in the format, though
//!   Prometheus 2.42 fails a scrape on them); a family's lines are grouped; no duplicate
//!   series (the same series at the same timestamp, or twice without one). Blanks and tabs
//!   may separate tokens (also inside label sets), and a label set may end with a comma
//!   (`{a="1",}`), as the format allows. HELP decodes `\\` and `\n`, label values `\\`,
//!   `\"` and `\n`; any other backslash sequence is kept as written, as Prometheus does
//!   (`\t` stays the two characters `\t`, and so does `\"` in HELP), strict or lenient —
//!   promtool and the Pushgateway refuse them, so do not write them.
//! - OpenMetrics 1.0: `# EOF` last, nothing after it, no blank lines, exactly one space
//!   between tokens, only `# HELP`, `# TYPE`, `# UNIT` and `# EOF` comments, metadata
//!   before samples and once; `unknown` (not `untyped`), `info`, `stateset`,
//!   `gaugehistogram`; counters expose `_total` (and `_created`); UNIT is the name's suffix;
//!   no trailing comma in label sets; HELP and label values escape only `\\`, `\"` and
//!   `\n` (anything else after a backslash is an error); timestamps in seconds, on all of a
//!   metric's samples or none, never decreasing within a metric (the samples of one
//!   MetricPoint, such as `_total` and `_created` or the buckets, share one; a series repeated
//!   at the same timestamp is a duplicate); exemplars only on counter `_total` and histogram
//!   `_bucket` samples, at most 128 code points of labels, with a value at most the bucket's
//!   `le`; counter-like values neither negative nor NaN; stateset values 0 or 1, info values
//!   1; no family whose samples clash with another's.
//! - both: label names `[a-zA-Z_][a-zA-Z0-9_]*` without duplicates (`__name__` is
//!   reserved); values in Go `ParseFloat` syntax (`NaN`, `+Inf`, `-Inf`; no hex, no `1_2`,
//!   nothing out of `f64` range); histograms with ascending cumulative buckets ending at
//!   `le="+Inf"`, whose value `_count` equals, and `_count` present exactly when `_sum` is;
//!   summaries with `quantile` labels in `[0, 1]`.
//!
//! [`Parser::lenient`] reads text 0.0.4 the way Prometheus itself scrapes it: a
//! missing final newline, a repeated HELP (the first is kept), a repeated TYPE naming the
//! same type, families whose lines are not grouped, duplicate series, clashing names and
//! inconsistent histograms or summaries are accepted. Syntax errors, unknown types and
//! invalid numbers or timestamps are still errors. OpenMetrics has no lenient mode.
//!
//! The entry points take `&str`; [`parse_bytes`] takes the bytes of a scrape as they
//! arrive, and refuses any that are not UTF-8 with the line and column of the first.
//!
//! Names are kept as written: a text 0.0.4 counter is usually the family `x_total` with
//! samples `x_total`, an OpenMetrics counter the family `x` with samples `x_total` and
//! `x_created`. Quoted UTF-8 names (`{"my.metric"}`) are not part of either format and
//! are refused, unless the parser [allows them](Parser::allow_utf8_names). Nothing here panics, whatever the input, and the time taken is about
//! proportional to its size, also for a sample with a huge label set.
//!
//! ```
//! use promenade::parse::{self, MetricType};
//!
//! let families = parse::text("\
//! ## HELP http_requests_total Requests served.
//! ## TYPE http_requests_total counter
//! http_requests_total{method=\"get\"} 3
//! http_requests_total{method=\"post\"} 1 1700000000000
//! ").unwrap();
//! let requests = &families[0];
//! assert_eq!(requests.name, "http_requests_total");
//! assert_eq!(requests.metric_type, MetricType::Counter);
//! assert_eq!(requests.help.as_deref(), Some("Requests served."));
//! assert_eq!(requests.samples[1].label("method"), Some("post"));
//! assert_eq!(requests.samples[1].value, 1.0);
//! assert_eq!(requests.samples[1].timestamp, Some(parse::Timestamp::Millis(1_700_000_000_000)));
//!
//! // An unknown escape sequence is kept as written, as Prometheus keeps it...
//! let families = parse::text("a{b=\"c\\t\"} 1\n").unwrap();
//! assert_eq!(families[0].samples[0].label("b"), Some("c\\t"));
//! // ...but a label given twice is an error, at the second one.
//! let err = parse::text("a{b=\"1\",b=\"2\"} 1\n").unwrap_err();
//! assert_eq!((err.line(), err.column()), (1, 9));
//! assert_eq!(err.to_string(), "line 1, column 9: duplicate label `b`");
//! ```

mod cursor;
mod families;
mod openmetrics;
#[cfg(feature = "protobuf")]
mod protobuf;
mod text;

use std::fmt;

/// The exposition format of an input: the crate's one list of formats, the same the
/// encoders and content negotiation use.
///
/// ```
/// use promenade::parse::{parse, Format, Parser};
///
/// // Prometheus tolerates a missing final newline; the strict parser does not.
/// assert!(parse("up 1", Format::Text).is_err());
/// assert_eq!(Parser::new(Format::Text).lenient().parse("up 1").unwrap()[0].samples[0].value, 1.0);
/// assert_eq!(
///     Format::from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
///     Format::OpenMetrics
/// );
/// ```
pub use crate::format::Format;

/// A parser for one [`Format`]: strict unless made [`lenient`](Self::lenient).
///
/// ```
/// use promenade::parse::{Format, Parser};
///
/// let lenient = Parser::new(Format::Text).lenient();
/// // A repeated HELP: Prometheus keeps the first, and so does the lenient parser.
/// let input = "# HELP a First.\n# HELP a Second.\na 1\n";
/// assert_eq!(lenient.parse(input).unwrap()[0].help.as_deref(), Some("First."));
/// assert!(Parser::new(Format::Text).parse(input).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parser {
    format: Format,
    lenient: bool,
    utf8_names: bool,
}

impl Parser {
    /// A strict parser of `format`.
    pub fn new(format: Format) -> Parser {
        Parser {
            format,
            lenient: false,
            utf8_names: false,
        }
    }

    /// Reads names outside the legacy character set quoted, as expositions answered with
    /// `escaping=allow-utf-8` write them (text 1.0.0, and OpenMetrics as Prometheus 3
    /// reads it): `# TYPE "http.server.duration" histogram`,
    /// `{"http.server.duration_count","url.scheme"="https"} 3`. Neither text 0.0.4 nor
    /// OpenMetrics 1.0 has quoted names, so strict parsers refuse them.
    ///
    /// ```
    /// use promenade::parse::{Format, Parser};
    ///
    /// let input = "# TYPE \"http.server.requests_total\" counter\n{\"http.server.requests_total\",\"url.scheme\"=\"https\"} 3\n";
    /// let families = Parser::new(Format::Text).allow_utf8_names().parse(input).unwrap();
    /// assert_eq!(families[0].name, "http.server.requests_total");
    /// assert_eq!(families[0].samples[0].label("url.scheme"), Some("https"));
    /// assert!(Parser::new(Format::Text).parse(input).is_err());
    /// ```
    pub fn allow_utf8_names(self) -> Parser {
        Parser {
            utf8_names: true,
            ..self
        }
    }

    /// Reads text 0.0.4 as leniently as Prometheus scrapes it (see the
    /// [module documentation](self)). OpenMetrics and protobuf have no lenient mode: for
    /// them this changes nothing.
    pub fn lenient(self) -> Parser {
        Parser {
            lenient: true,
            ..self
        }
    }

    /// Parses `input` into its metric families, in order of appearance.
    pub fn parse(&self, input: &str) -> Result<Vec<MetricFamily>, ParseError> {
        match self.format {
            Format::OpenMetrics => openmetrics::parse(input, self.utf8_names),
            Format::Protobuf => self.parse_bytes(input.as_bytes()),
            _ => text::parse(input, self.lenient, self.utf8_names),
        }
    }

    /// Parses `input`, the body of a scrape as it arrives. For the text formats these
    /// are bytes that should be UTF-8: any that are not are an error at the first of them
    /// (its line, and its column in code points like every other error), before anything
    /// else is checked. Protobuf is decoded (feature `protobuf`).
    pub fn parse_bytes(&self, input: &[u8]) -> Result<Vec<MetricFamily>, ParseError> {
        if self.format == Format::Protobuf {
            return parse_protobuf(input);
        }
        match std::str::from_utf8(input) {
            Ok(text) => self.parse(text),
            Err(e) => Err(utf8_error(input, e)),
        }
    }
}

/// A `le` or `quantile` label value as a float (Go `ParseFloat` syntax, `+Inf`).
pub(crate) fn parse_label_float(spelled: &str) -> Result<f64, String> {
    cursor::parse_float(spelled)
}

#[cfg(feature = "protobuf")]
fn parse_protobuf(input: &[u8]) -> Result<Vec<MetricFamily>, ParseError> {
    protobuf::parse(input)
}

#[cfg(not(feature = "protobuf"))]
fn parse_protobuf(_input: &[u8]) -> Result<Vec<MetricFamily>, ParseError> {
    Err(ParseError::new(
        1,
        1,
        "reading protobuf needs the feature `protobuf` of promenade",
    ))
}

fn utf8_error(input: &[u8], e: std::str::Utf8Error) -> ParseError {
    let (valid, rest) = input.split_at(e.valid_up_to());
    // `valid` is UTF-8 (that is what `valid_up_to` says), so this cannot fail.
    let valid = std::str::from_utf8(valid).unwrap_or_default();
    let (line, column) = match valid.rfind('\n') {
        Some(nl) => (
            valid.matches('\n').count() + 1,
            valid[nl + 1..].chars().count() + 1,
        ),
        None => (1, valid.chars().count() + 1),
    };
    let byte = rest.first().copied().unwrap_or_default();
    ParseError::new(line, column, format!("invalid UTF-8 (byte {byte:#04x})"))
}

/// The type of a parsed family: the crate's one `MetricType`, the
/// same the encoders and collectors use (`Unknown` for `untyped` in text 0.0.4, for
/// `unknown` in OpenMetrics, and for a family without a TYPE line).
///
/// ```
/// use promenade::parse::MetricType;
/// assert_eq!(MetricType::Unknown.as_str(), "unknown");
/// assert_eq!(promenade::parse::text("# TYPE a untyped\na 1\n").unwrap()[0].metric_type, MetricType::Unknown);
/// ```
pub use crate::metrics::MetricType;

/// A sample's timestamp, as its format writes it (the registry's own type).
pub use crate::registry::Timestamp;

/// An exemplar, as recorded or parsed: the crate's one exemplar type.
///
/// ```
/// use promenade::parse;
/// let families = parse::openmetrics("\
/// ## TYPE jobs counter
/// jobs_total 3 # {trace_id=\"abc\"} 1.0 1700000000.5
/// ## EOF
/// ").unwrap();
/// let exemplar = families[0].samples[0].exemplar.as_ref().unwrap();
/// assert_eq!(exemplar.labels().iter().collect::<Vec<_>>(), [("trace_id", "abc")]);
/// assert_eq!(exemplar.value(), 1.0);
/// assert_eq!(exemplar.timestamp(), Some(1_700_000_000.5));
/// ```
pub use crate::metrics::Exemplar;

/// One sample (the registry's own type, also what
/// [`Registry::gather`](crate::Registry::gather) returns).
pub use crate::registry::Sample;

/// A family and its samples (the registry's own type).
pub use crate::registry::MetricFamily;

/// Why an exposition was refused: where, and what is wrong.
///
/// ```
/// let err = promenade::parse::openmetrics("a 1\n").unwrap_err();
/// assert_eq!(err.line(), 2);
/// assert_eq!(err.message(), "the exposition must end with `# EOF`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    line: usize,
    column: usize,
    message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }

    /// The line of the mistake, counted from 1.
    ///
    /// ```
    /// assert_eq!(promenade::parse::text("a 1\nb x\n").unwrap_err().line(), 2);
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the mistake in code points, counted from 1.
    ///
    /// ```
    /// assert_eq!(promenade::parse::text("a 1\nb x\n").unwrap_err().column(), 3);
    /// ```
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong, without the position.
    ///
    /// ```
    /// let err = promenade::parse::text("# TYPE a info\n").unwrap_err();
    /// assert!(err.message().contains("`info` is an OpenMetrics type"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses `input` in `format` into its metric families, in order of appearance.
///
/// ```
/// use promenade::parse::{parse, Format, MetricType};
/// let families = parse("# TYPE up gauge\nup 1\n", Format::Text).unwrap();
/// assert_eq!(families[0].metric_type, MetricType::Gauge);
/// ```
pub fn parse(input: &str, format: Format) -> Result<Vec<MetricFamily>, ParseError> {
    Parser::new(format).parse(input)
}

/// Parses `input`, the body of a scrape as it arrives, in `format`, strictly (see
/// [`Parser::parse_bytes`]).
///
/// ```
/// use promenade::parse::{parse_bytes, Format};
///
/// let body: Vec<u8> = b"# TYPE up gauge\nup{job=\"caf\xc3\xa9\"} 1\n".to_vec();
/// let families = parse_bytes(&body, Format::Text).unwrap();
/// assert_eq!(families[0].samples[0].label("job"), Some("café"));
///
/// let err = parse_bytes(b"up 1\nup{job=\"caf\xe9\"} 1\n", Format::Text).unwrap_err();
/// assert_eq!((err.line(), err.column()), (2, 12));
/// assert_eq!(err.message(), "invalid UTF-8 (byte 0xe9)");
/// ```
pub fn parse_bytes(input: &[u8], format: Format) -> Result<Vec<MetricFamily>, ParseError> {
    Parser::new(format).parse_bytes(input)
}

/// Parses strict Prometheus text 0.0.4.
///
/// ```
/// let families = promenade::parse::text("# TYPE temperature gauge\ntemperature -3.5\n").unwrap();
/// assert_eq!(families[0].samples[0].value, -3.5);
/// assert!(promenade::parse::text("temperature 0x10\n").is_err());
/// ```
#[doc(alias = "text_string_to_metric_families")]
pub fn text(input: &str) -> Result<Vec<MetricFamily>, ParseError> {
    parse(input, Format::Text)
}

/// Parses OpenMetrics 1.0 text.
///
/// ```
/// let families = promenade::parse::openmetrics("# TYPE jobs counter\njobs_total 2\njobs_created 1.7e9\n# EOF\n").unwrap();
/// assert_eq!(families[0].name, "jobs");
/// assert_eq!(families[0].samples[1].name, "jobs_created");
/// // a counter's samples are `_total` and `_created`
/// assert!(promenade::parse::openmetrics("# TYPE jobs counter\njobs 2\n# EOF\n").is_err());
/// ```
#[doc(alias = "text_string_to_metric_families")]
pub fn openmetrics(input: &str) -> Result<Vec<MetricFamily>, ParseError> {
    parse(input, Format::OpenMetrics)
}
