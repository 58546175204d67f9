//! Content negotiation for a scrape: the format from the `Accept` header (honouring
//! q-values), gzip from `Accept-Encoding`, and `name[]=…` filters from the query string.
//!
//! | `Accept` | format |
//! |---|---|
//! | Prometheus 2.x's default (`application/openmetrics-text;version=1.0.0,…;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`) | OpenMetrics 1.0 |
//! | `application/openmetrics-text` (no version, or `version=1.0.0`) | OpenMetrics 1.0 |
//! | `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited` (Prometheus 2.x with `--enable-feature=native-histograms` lists it first) | protobuf (feature `protobuf`) |
//! | `text/plain`, `text/plain;version=0.0.4`, `text/*`, `*/*`, nothing, garbage | text 0.0.4 |
//!
//! The chosen range's `escaping` parameter (`allow-utf-8`, `underscores`, `dots`,
//! `values`, as Prometheus 3 sends it) says how names outside the legacy character set
//! are written; without one they are escaped with underscores. The `Content-Type`
//! answered names the escaping used (`…; escaping=underscores`). `text/plain;version=1.0.0`
//! is text that may quote names; it is answered as such.
//!
//! The range with the highest q wins (q=0 means "not acceptable"); on a tie the range
//! listed first wins, and a wildcard matching both formats means text 0.0.4. Versions
//! this crate does not produce (OpenMetrics 0.0.1 or 2.0, text 1.0.0) never match, nor
//! does protobuf without `proto=io.prometheus.client.MetricFamily` and
//! `encoding=delimited`, nor any wildcard protobuf: when nothing matches, the answer is
//! text 0.0.4, the format every scraper reads.

use crate::registry::{NameFilter, Registry, Sink};
use std::time::{Duration, Instant};

pub use super::Escaping;

use super::openmetrics::OpenMetricsEncoder;
use super::text::TextEncoder;

pub use super::Format;

/// One media range of an `Accept` header, as far as it matters here.
struct Range<'a> {
    ty: &'a str,
    subtype: &'a str,
    version: Option<&'a str>,
    proto: Option<&'a str>,
    encoding: Option<&'a str>,
    escaping: Option<&'a str>,
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
            proto: None,
            encoding: None,
            escaping: None,
            q: 1.0,
        };
        for p in params {
            let (k, v) = p.split_once('=')?;
            let v = v.trim().trim_matches('"');
            match k.trim().to_ascii_lowercase().as_str() {
                "q" => range.q = parse_q(v)?,
                "version" => range.version = Some(v),
                "proto" => range.proto = Some(v),
                "encoding" => range.encoding = Some(v),
                "escaping" => range.escaping = Some(v),
                _ => {}
            }
        }
        Some(range)
    })
}

/// How well `r` matches `format`: `None` if not at all, else its specificity (higher is
/// more specific). Protobuf is matched only by its own media type naming delimited
/// `MetricFamily` messages, never by a wildcard.
fn specificity(r: &Range<'_>, format: Format) -> Option<u8> {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let (ty, subtype, versions): (_, _, &[&str]) = match format {
        // Text 1.0.0 is text 0.0.4 that may quote names (with `escaping=allow-utf-8`).
        Format::Text => ("text", "plain", &["0.0.4", "1.0.0"]),
        Format::OpenMetrics => ("application", "openmetrics-text", &["1.0.0"]),
        Format::Protobuf => {
            let fits = cfg!(feature = "protobuf")
                && eq(r.ty, "application")
                && eq(r.subtype, "vnd.google.protobuf")
                && r.proto == Some("io.prometheus.client.MetricFamily")
                && r.encoding == Some("delimited");
            return fits.then_some(3);
        }
    };
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
        Some(v) if versions.contains(&v) => Some(3),
        Some(_) => None,
    }
}

/// What a scrape is answered with: the format, how names outside the legacy character
/// set are written, and the `Content-Type` that names both.
///
/// ```
/// use promenade::encoding::negotiate::negotiate;
/// use promenade::encoding::{Escaping, Format};
///
/// // Prometheus 3 asks for UTF-8 names.
/// let n = negotiate(Some("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.1"));
/// assert_eq!((n.format, n.escaping), (Format::OpenMetrics, Escaping::AllowUtf8));
/// assert_eq!(n.content_type(), "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
///
/// // Without an `escaping` parameter: underscores.
/// let n = negotiate(Some("text/plain"));
/// assert_eq!((n.format, n.escaping), (Format::Text, Escaping::Underscores));
/// assert_eq!(n.content_type(), "text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// The format.
    pub format: Format,
    /// The escaping of names: the chosen range's `escaping` parameter, else
    /// [`Escaping::Underscores`].
    pub escaping: Escaping,
    /// Text 1.0.0 was asked for (the text format that may quote names).
    text_1: bool,
}

impl Negotiated {
    /// The `Content-Type` of the answer, naming the escaping used.
    pub fn content_type(&self) -> &'static str {
        macro_rules! with_escaping {
            ($base:expr) => {
                match self.escaping {
                    Escaping::AllowUtf8 => concat!($base, "; escaping=allow-utf-8"),
                    Escaping::Underscores => concat!($base, "; escaping=underscores"),
                    Escaping::Dots => concat!($base, "; escaping=dots"),
                    Escaping::Values => concat!($base, "; escaping=values"),
                }
            };
        }
        match self.format {
            Format::Text if self.text_1 => {
                with_escaping!("text/plain; version=1.0.0; charset=utf-8")
            }
            Format::OpenMetrics => {
                with_escaping!("application/openmetrics-text; version=1.0.0; charset=utf-8")
            }
            Format::Protobuf => with_escaping!(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            ),
            _ => with_escaping!("text/plain; version=0.0.4; charset=utf-8"),
        }
    }
}

/// The answer to a scrape with this `Accept` header: the range with the highest q wins
/// (see the [module documentation](self)), and its `escaping` parameter says how names
/// are written.
pub fn negotiate(accept: Option<&str>) -> Negotiated {
    let text = Negotiated {
        format: Format::Text,
        escaping: Escaping::Underscores,
        text_1: false,
    };
    let Some(accept) = accept else {
        return text;
    };
    let ranges: Vec<Range<'_>> = ranges(accept).collect();
    // For each format: the specificity of its most specific matching range, and that
    // range's position in the header.
    const FORMATS: [Format; 3] = [Format::Text, Format::OpenMetrics, Format::Protobuf];
    let mut best: [Option<(u8, usize)>; 3] = [None; 3];
    for (pos, r) in ranges.iter().enumerate() {
        for (slot, f) in best.iter_mut().zip(FORMATS) {
            if let Some(spec) = specificity(r, f) {
                if slot.is_none_or(|(s, _)| spec > s) {
                    *slot = Some((spec, pos));
                }
            }
        }
    }
    // The highest q wins, then the range listed first; a wildcard matching several
    // formats at once (the same position) means the first of them, text 0.0.4.
    let mut chosen: Option<(Format, usize)> = None;
    for (slot, f) in best.iter().zip(FORMATS) {
        let Some((_, pos)) = *slot else { continue };
        let q = ranges[pos].q;
        if q <= 0.0 {
            continue;
        }
        let better = match chosen {
            None => true,
            Some((_, cpos)) => q > ranges[cpos].q || (q == ranges[cpos].q && pos < cpos),
        };
        if better {
            chosen = Some((f, pos));
        }
    }
    let Some((format, pos)) = chosen else {
        return text;
    };
    let range = &ranges[pos];
    Negotiated {
        format,
        escaping: range
            .escaping
            .and_then(Escaping::from_param)
            .unwrap_or_default(),
        text_1: format == Format::Text && range.version == Some("1.0.0"),
    }
}

/// The format to answer a scrape with, from its `Accept` header ([`negotiate`] without
/// the escaping).
///
/// ```
/// use promenade::encoding::negotiate::{choose_format, Format};
/// let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(choose_format(Some(prometheus)), Format::OpenMetrics);
/// // Prometheus 2 with `--enable-feature=native-histograms`:
/// let native = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(choose_format(Some(native)), Format::Protobuf);
/// assert_eq!(choose_format(Some("text/plain")), Format::Text);
/// assert_eq!(choose_format(None), Format::Text);
/// ```
pub fn choose_format(accept: Option<&str>) -> Format {
    negotiate(accept).format
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
/// assert_eq!(r.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores");
/// assert_eq!(r.content_encoding, None);
/// assert_eq!(r.body, b"# TYPE queue gauge\n# HELP queue Queue.\nqueue 0.0\n# EOF\n");
/// ```
pub fn respond(
    registry: &Registry,
    accept: Option<&str>,
    accept_encoding: Option<&str>,
    query: Option<&str>,
) -> Response {
    let deadline = Instant::now() + registry.scrape_timeout();
    respond_until(registry, accept, accept_encoding, query, deadline)
}

/// The header in which Prometheus sends its `scrape_timeout`, in seconds.
pub const SCRAPE_TIMEOUT_HEADER: &str = "X-Prometheus-Scrape-Timeout-Seconds";

/// When a scrape must be done: the registry's [scrape
/// timeout](Registry::set_scrape_timeout) from now, or earlier when the scraper's
/// `X-Prometheus-Scrape-Timeout-Seconds` header (`header`) says it gives up sooner (at
/// 90% of it, so the answer still arrives in time). A header that is not a positive
/// number of seconds is ignored.
///
/// ```
/// use promenade::encoding::negotiate::scrape_deadline;
/// use promenade::Registry;
/// use std::time::{Duration, Instant};
///
/// let registry = Registry::new();
/// let deadline = scrape_deadline(&registry, Some("2"));
/// assert!(deadline <= Instant::now() + Duration::from_millis(1800));
/// assert!(scrape_deadline(&registry, Some("-1")) > Instant::now() + Duration::from_secs(9));
/// ```
pub fn scrape_deadline(registry: &Registry, header: Option<&str>) -> Instant {
    let mut timeout = registry.scrape_timeout();
    if let Some(secs) = header
        .and_then(|h| h.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
    {
        timeout = timeout.min(Duration::from_secs_f64((secs * 0.9).min(1e9)));
    }
    Instant::now() + timeout
}

/// [`respond`], waiting for blocking collectors until `deadline` at the latest (see
/// [`Registry::collect_until`] and [`scrape_deadline`]).
pub fn respond_until(
    registry: &Registry,
    accept: Option<&str>,
    accept_encoding: Option<&str>,
    query: Option<&str>,
    deadline: Instant,
) -> Response {
    let negotiated = negotiate(accept);
    let (format, escaping) = (negotiated.format, negotiated.escaping);
    let names = name_filter(query);
    let record = names.is_empty();
    let text = |om: bool| {
        super::sized_exposition(registry, record, |out| {
            if om {
                let mut encoder = OpenMetricsEncoder::new(out).with_escaping(escaping);
                collect_filtered(registry, &mut encoder, &names, deadline);
                encoder.finish();
            } else {
                let mut encoder = TextEncoder::new(out).with_escaping(escaping);
                collect_filtered(registry, &mut encoder, &names, deadline);
                encoder.finish();
            }
        })
        .into_bytes()
    };
    let out = match format {
        Format::OpenMetrics => text(true),
        #[cfg(feature = "protobuf")]
        Format::Protobuf => super::sized_bytes(registry, record, |out| {
            let mut encoder = super::protobuf::ProtobufEncoder::new(out).with_escaping(escaping);
            collect_filtered(registry, &mut encoder, &names, deadline);
            encoder.finish();
        }),
        // Without the feature protobuf is never negotiated.
        _ => text(false),
    };
    let (content_encoding, body) = compress(out, accepts_gzip(accept_encoding));
    Response {
        content_type: negotiated.content_type(),
        content_encoding,
        body,
    }
}

fn collect_filtered(registry: &Registry, sink: &mut dyn Sink, names: &[String], deadline: Instant) {
    if names.is_empty() {
        registry.collect_until(sink, deadline);
    } else {
        registry.collect_until(&mut NameFilter::new(sink, names), deadline);
    }
}

#[cfg(feature = "gzip")]
fn compress(body: Vec<u8>, gzip: bool) -> (Option<&'static str>, Vec<u8>) {
    use std::io::Write;
    if !gzip {
        return (None, body);
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 64),
        flate2::Compression::default(),
    );
    // Writing into a Vec cannot fail; should it ever, serve the body uncompressed.
    match encoder.write_all(&body).and_then(|()| encoder.finish()) {
        Ok(gz) => (Some("gzip"), gz),
        Err(_) => (None, body),
    }
}

#[cfg(not(feature = "gzip"))]
fn compress(body: Vec<u8>, _gzip: bool) -> (Option<&'static str>, Vec<u8>) {
    (None, body)
}
