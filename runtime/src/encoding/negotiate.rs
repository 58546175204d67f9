//! Content negotiation for a scrape: the format from the `Accept` header (honouring
//! q-values), gzip from `Accept-Encoding`, and `name[]=…` filters from the query string.
//!
//! | `Accept` | format |
//! |---|---|
//! | Prometheus 2.x's default (`application/openmetrics-text;version=1.0.0,…;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`) | OpenMetrics 1.0 |
//! | `application/openmetrics-text` (no version, or `version=1.0.0`) | OpenMetrics 1.0 |
//! | `text/plain`, `text/plain;version=0.0.4`, `text/*`, `*/*`, nothing, garbage | text 0.0.4 |
//!
//! The range with the highest q wins (q=0 means "not acceptable"); on a tie the range
//! listed first wins, and a wildcard matching both formats means text 0.0.4. Versions
//! this crate does not produce (OpenMetrics 0.0.1 or 2.0, text 1.0.0) never match: when
//! nothing matches, the answer is text 0.0.4, the format every scraper reads.

use crate::registry::{NameFilter, Registry, Sink};

use super::openmetrics::OpenMetricsEncoder;
use super::text::TextEncoder;

/// An exposition format this crate can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text 0.0.4.
    Text,
    /// OpenMetrics 1.0.0.
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => super::text::CONTENT_TYPE,
            Format::OpenMetrics => super::openmetrics::CONTENT_TYPE,
        }
    }
}

/// One media range of an `Accept` header, as far as it matters here.
struct Range<'a> {
    ty: &'a str,
    subtype: &'a str,
    version: Option<&'a str>,
    q: f64,
}

fn parse_q(v: &str) -> Option<f64> {
    let q: f64 = v.trim().parse().ok()?;
    (0.0..=1.0).contains(&q).then_some(q)
}

fn ranges(header: &str) -> impl Iterator<Item = Range<'_>> {
    header.split(',').filter_map(|part| {
        let mut params = part.split(';');
        let media = params.next()?.trim();
        let (ty, subtype) = media.split_once('/')?;
        let (ty, subtype) = (ty.trim(), subtype.trim());
        if ty.is_empty() || subtype.is_empty() || (ty == "*" && subtype != "*") {
            return None;
        }
        let mut range = Range {
            ty,
            subtype,
            version: None,
            q: 1.0,
        };
        for p in params {
            let (k, v) = p.split_once('=')?;
            let v = v.trim().trim_matches('"');
            match k.trim().to_ascii_lowercase().as_str() {
                "q" => range.q = parse_q(v)?,
                "version" => range.version = Some(v),
                _ => {}
            }
        }
        Some(range)
    })
}

/// How well `r` matches `format`: `None` if not at all, else its specificity (higher is
/// more specific).
fn specificity(r: &Range<'_>, format: Format) -> Option<u8> {
    let (ty, subtype, version) = match format {
        Format::Text => ("text", "plain", "0.0.4"),
        Format::OpenMetrics => ("application", "openmetrics-text", "1.0.0"),
    };
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if r.ty == "*" {
        return Some(0);
    }
    if !eq(r.ty, ty) {
        return None;
    }
    if r.subtype == "*" {
        return Some(1);
    }
    if !eq(r.subtype, subtype) {
        return None;
    }
    match r.version {
        None => Some(2),
        Some(v) if v == version => Some(3),
        Some(_) => None,
    }
}

/// The format to answer a scrape with, from its `Accept` header.
///
/// ```
/// use promenade::encoding::negotiate::{choose_format, Format};
/// let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(choose_format(Some(prometheus)), Format::OpenMetrics);
/// assert_eq!(choose_format(Some("text/plain")), Format::Text);
/// assert_eq!(choose_format(None), Format::Text);
/// ```
pub fn choose_format(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Text;
    };
    // For each format: the q of its most specific matching range, and where that range
    // is in the header.
    let mut best: [(Option<(u8, usize)>, f64); 2] = [(None, 0.0); 2];
    let formats = [Format::Text, Format::OpenMetrics];
    for (pos, r) in ranges(accept).enumerate() {
        for (i, f) in formats.iter().enumerate() {
            if let Some(spec) = specificity(&r, *f) {
                let better = match best[i].0 {
                    None => true,
                    Some((s, _)) => spec > s,
                };
                if better {
                    best[i] = (Some((spec, pos)), r.q);
                }
            }
        }
    }
    let [(text_at, text_q), (om_at, om_q)] = best;
    match (text_at, om_at) {
        (_, None) => Format::Text,
        (None, Some(_)) if om_q > 0.0 => Format::OpenMetrics,
        (None, Some(_)) => Format::Text,
        (Some((_, text_pos)), Some((_, om_pos))) => {
            if om_q > text_q || (om_q == text_q && om_q > 0.0 && om_pos < text_pos) {
                Format::OpenMetrics
            } else {
                Format::Text
            }
        }
    }
}

/// Whether an `Accept-Encoding` header allows gzip (`gzip` or `*` with a non-zero q, and
/// gzip not refused explicitly).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(header) = accept_encoding else {
        return false;
    };
    let mut gzip = None;
    let mut star = None;
    for part in header.split(',') {
        let mut params = part.split(';');
        let coding = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = Some(1.0);
        for p in params {
            if let Some((k, v)) = p.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    q = parse_q(v);
                }
            }
        }
        let q = q.unwrap_or(0.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => star = Some(q),
            _ => {}
        }
    }
    match (gzip, star) {
        (Some(q), _) => q > 0.0,
        (None, Some(q)) => q > 0.0,
        (None, None) => false,
    }
}

/// The values of every `name[]` parameter of a query string (percent-decoded, `+` as a
/// space), in order.
///
/// ```
/// use promenade::encoding::negotiate::name_filter;
/// assert_eq!(name_filter(Some("name[]=a_total&x=1&name%5B%5D=b%3Ac")), vec!["a_total", "b:c"]);
/// assert!(name_filter(None).is_empty());
/// ```
pub fn name_filter(query: Option<&str>) -> Vec<String> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (percent_decode(k) == "name[]").then(|| percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A negotiated scrape response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The `Content-Encoding` header, if the body is compressed.
    pub content_encoding: Option<&'static str>,
    /// The body.
    pub body: Vec<u8>,
}

/// Encodes `registry` for a scrape with these `Accept` and `Accept-Encoding` headers and
/// query string: the negotiated format, gzipped if allowed (feature `gzip`), restricted
/// to the families `name[]` parameters ask for (all when there are none).
///
/// ```
/// use promenade::encoding::negotiate::respond;
/// use promenade::{Counter, Gauge, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// registry.register_metric("jobs", "Jobs.", Arc::new(Counter::new())).unwrap();
/// registry.register_metric("queue", "Queue.", Arc::new(Gauge::new())).unwrap();
/// let r = respond(&registry, Some("application/openmetrics-text"), None, Some("name[]=queue"));
/// assert_eq!(r.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
/// assert_eq!(r.content_encoding, None);
/// assert_eq!(r.body, b"# TYPE queue gauge\n# HELP queue Queue.\nqueue 0.0\n# EOF\n");
/// ```
pub fn respond(
    registry: &Registry,
    accept: Option<&str>,
    accept_encoding: Option<&str>,
    query: Option<&str>,
) -> Response {
    let format = choose_format(accept);
    let names = name_filter(query);
    let out = super::sized_exposition(registry, names.is_empty(), |out| match format {
        Format::Text => {
            let mut encoder = TextEncoder::new(out);
            collect_filtered(registry, &mut encoder, &names);
            encoder.finish();
        }
        Format::OpenMetrics => {
            let mut encoder = OpenMetricsEncoder::new(out);
            collect_filtered(registry, &mut encoder, &names);
            encoder.finish();
        }
    });
    let (content_encoding, body) = compress(out, accepts_gzip(accept_encoding));
    Response {
        content_type: format.content_type(),
        content_encoding,
        body,
    }
}

fn collect_filtered(registry: &Registry, sink: &mut dyn Sink, names: &[String]) {
    if names.is_empty() {
        registry.collect(sink);
    } else {
        registry.collect(&mut NameFilter::new(sink, names));
    }
}

#[cfg(feature = "gzip")]
fn compress(body: String, gzip: bool) -> (Option<&'static str>, Vec<u8>) {
    use std::io::Write;
    if !gzip {
        return (None, body.into_bytes());
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 64),
        flate2::Compression::default(),
    );
    // Writing into a Vec cannot fail; should it ever, serve the body uncompressed.
    match encoder
        .write_all(body.as_bytes())
        .and_then(|()| encoder.finish())
    {
        Ok(gz) => (Some("gzip"), gz),
        Err(_) => (None, body.into_bytes()),
    }
}

#[cfg(not(feature = "gzip"))]
fn compress(body: String, _gzip: bool) -> (Option<&'static str>, Vec<u8>) {
    (None, body.into_bytes())
}
