//! Helpers shared by the integration tests: a strict reader of the Prometheus text format
//! 0.0.4 and a minimal HTTP/1.1 client on `std::net::TcpStream`.
//!
//! Why a reader of our own next to `prometheus-parse`: `prometheus-parse` 0.2 reads label
//! values by splitting on `,` and `=` and never unescapes `\\`, `\"` or `\n` (nor HELP
//! text), so it cannot tell whether an escaped value round-trips. This reader follows the
//! grammar of spec-notes §2.1 (Prometheus' `promlex.l` / `expfmt/text_parse.go`) and is
//! strict where they are: it is written from the spec, not from promenade's encoder.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One sample line: its full name, labels in exposition order (unescaped) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Sample {
    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the sample carries exactly these labels (any order).
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        self.labels.len() == labels.len() && labels.iter().all(|(k, v)| self.label(k) == Some(*v))
    }
}

/// A metric family: a `# TYPE`/`# HELP` name and the samples that belong to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    /// Unescaped HELP text.
    pub help: Option<String>,
    pub kind: Option<String>,
    pub samples: Vec<Sample>,
}

/// A parsed exposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposition {
    pub families: Vec<Family>,
}

impl Exposition {
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    pub fn samples(&self) -> impl Iterator<Item = &Sample> {
        self.families.iter().flat_map(|f| f.samples.iter())
    }

    /// The value of the sample `name` with exactly `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.samples()
            .find(|s| s.name == name && s.has_labels(labels))
            .map(|s| s.value)
    }
}

/// Reads `text` as Prometheus text format 0.0.4, strictly: every line ends in `\n`, no
/// CR, HELP escapes only `\\` and `\n`, label values only `\\`, `\"` and `\n`, one TYPE and
/// one HELP per family before its samples, families not interleaved, no duplicate series,
/// and histograms consistent (buckets ascending in `le`, cumulative counts that never
/// decrease, a `+Inf` bucket equal to `_count`, `_sum` and `_count` present).
pub fn parse_strict(text: &str) -> Result<Exposition, String> {
    if text.contains('\r') {
        return Err("carriage return in exposition".into());
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("the last line does not end in a newline".into());
    }
    let mut families: Vec<Family> = Vec::new();
    // Index of the family that samples may currently extend.
    let mut current: Option<usize> = None;
    let mut seen_series: HashSet<(String, Vec<(String, String)>)> = HashSet::new();

    for (n, line) in text.split_terminator('\n').enumerate() {
        let at = |msg: String| format!("line {}: {msg}: {line:?}", n + 1);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start_matches([' ', '\t']);
            let (keyword, rest) = split_token(comment);
            if keyword != "HELP" && keyword != "TYPE" {
                continue; // an ordinary comment
            }
            let (name, rest) = split_token(rest.trim_start_matches([' ', '\t']));
            check_metric_name(name).map_err(at)?;
            let idx = match families.iter().position(|f| f.name == name) {
                Some(i) if Some(i) == current => i,
                Some(_) => return Err(at(format!("metadata for `{name}` after its family ended"))),
                None => {
                    families.push(Family {
                        name: name.to_owned(),
                        help: None,
                        kind: None,
                        samples: Vec::new(),
                    });
                    families.len() - 1
                }
            };
            current = Some(idx);
            let family = &mut families[idx];
            if keyword == "HELP" {
                if family.help.is_some() {
                    return Err(at(format!("second HELP for `{name}`")));
                }
                // One separator after the name; the rest, verbatim, is the text.
                let text = rest.strip_prefix([' ', '\t']).unwrap_or(rest);
                family.help = Some(unescape_help(text).map_err(at)?);
            } else {
                if family.kind.is_some() {
                    return Err(at(format!("second TYPE for `{name}`")));
                }
                if !family.samples.is_empty() {
                    return Err(at(format!("TYPE for `{name}` after its samples")));
                }
                let kind = rest.trim_matches([' ', '\t']);
                if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                    return Err(at(format!("unknown type `{kind}`")));
                }
                family.kind = Some(kind.to_owned());
            }
            continue;
        }

        let sample = parse_sample(line).map_err(at)?;
        let key = {
            let mut l = sample.labels.clone();
            l.sort();
            (sample.name.clone(), l)
        };
        if !seen_series.insert(key) {
            return Err(at("duplicate series".into()));
        }
        let belongs = |f: &Family| belongs_to(f, &sample.name);
        let idx = match current {
            Some(i) if belongs(&families[i]) => i,
            _ => {
                if families.iter().any(belongs) {
                    return Err(at(format!(
                        "sample `{}` interleaved with another family",
                        sample.name
                    )));
                }
                families.push(Family {
                    name: sample.name.clone(),
                    help: None,
                    kind: None,
                    samples: Vec::new(),
                });
                families.len() - 1
            }
        };
        current = Some(idx);
        let family = &mut families[idx];
        if family.kind.as_deref() == Some("histogram")
            && sample.name.ends_with("_bucket")
            && sample.label("le").is_none()
        {
            return Err(at("histogram bucket without `le`".into()));
        }
        family.samples.push(sample);
    }

    for f in &families {
        if f.kind.as_deref() == Some("histogram") {
            check_histogram(f)?;
        }
    }
    Ok(Exposition { families })
}

fn belongs_to(f: &Family, sample: &str) -> bool {
    let suffixes: &[&str] = match f.kind.as_deref() {
        Some("histogram") => &["_bucket", "_sum", "_count"],
        Some("summary") => &["", "_sum", "_count"],
        _ => &[""],
    };
    suffixes
        .iter()
        .any(|s| sample.strip_suffix(s) == Some(f.name.as_str()))
}

/// Per label set (without `le`): the `(le, count)` buckets, `_sum` and `_count`.
type HistogramGroup = (Vec<(f64, f64)>, Option<f64>, Option<f64>);

fn check_histogram(f: &Family) -> Result<(), String> {
    // Group by the labels other than `le`.
    let mut groups: BTreeMap<Vec<(String, String)>, HistogramGroup> = BTreeMap::new();
    for s in &f.samples {
        let mut key: Vec<(String, String)> = s
            .labels
            .iter()
            .filter(|(k, _)| k != "le")
            .cloned()
            .collect();
        key.sort();
        let g = groups.entry(key).or_default();
        if s.name.ends_with("_bucket") {
            let le = parse_value(s.label("le").unwrap_or(""))
                .map_err(|e| format!("`{}`: bad le: {e}", f.name))?;
            g.0.push((le, s.value));
        } else if s.name.ends_with("_sum") {
            g.1 = Some(s.value);
        } else {
            g.2 = Some(s.value);
        }
    }
    for (labels, (buckets, sum, count)) in groups {
        let what = format!("histogram `{}` {labels:?}", f.name);
        let count = count.ok_or_else(|| format!("{what}: no _count"))?;
        sum.ok_or_else(|| format!("{what}: no _sum"))?;
        for w in buckets.windows(2) {
            if w[0].0.partial_cmp(&w[1].0) != Some(std::cmp::Ordering::Less) {
                return Err(format!("{what}: le not ascending: {buckets:?}"));
            }
            if w[1].1 < w[0].1 {
                return Err(format!("{what}: bucket counts decrease: {buckets:?}"));
            }
        }
        match buckets.last() {
            Some((le, n)) if *le == f64::INFINITY => {
                if *n != count {
                    return Err(format!("{what}: +Inf bucket {n} != _count {count}"));
                }
            }
            _ => return Err(format!("{what}: no le=\"+Inf\" bucket")),
        }
    }
    Ok(())
}

fn split_token(s: &str) -> (&str, &str) {
    match s.find([' ', '\t']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

fn check_metric_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if ok {
        Ok(())
    } else {
        Err(format!("invalid metric name `{name}`"))
    }
}

fn check_label_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("invalid label name `{name}`"))
    }
}

fn unescape_help(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                other => return Err(format!("invalid escape in HELP: \\{other:?}")),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Go `ParseFloat` syntax as Prometheus accepts it: decimal floats, `NaN`, `+Inf`, `-Inf`.
pub fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => return Ok(f64::NAN),
        "+Inf" => return Ok(f64::INFINITY),
        "-Inf" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return Err(format!("not a number: `{s}`"));
    }
    s.parse::<f64>()
        .map_err(|e| format!("not a number: `{s}`: {e}"))
}

fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    check_metric_name(name)?;
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        rest = after;
        loop {
            rest = rest.trim_start_matches([' ', '\t']);
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let eq = rest.find('=').ok_or("label without `=`")?;
            let lname = rest[..eq].trim_end_matches([' ', '\t']);
            check_label_name(lname)?;
            if labels.iter().any(|(k, _): &(String, String)| k == lname) {
                return Err(format!("duplicate label `{lname}`"));
            }
            rest = rest[eq + 1..].trim_start_matches([' ', '\t']);
            rest = rest
                .strip_prefix('"')
                .ok_or("label value does not start with `\"`")?;
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let end = loop {
                match chars.next() {
                    None => return Err("unterminated label value".into()),
                    Some((_, '\\')) => match chars.next() {
                        Some((_, '\\')) => value.push('\\'),
                        Some((_, '"')) => value.push('"'),
                        Some((_, 'n')) => value.push('\n'),
                        other => return Err(format!("invalid escape in label value: {other:?}")),
                    },
                    Some((i, '"')) => break i,
                    Some((_, c)) => value.push(c),
                }
            };
            labels.push((lname.to_owned(), value));
            rest = rest[end + 1..].trim_start_matches([' ', '\t']);
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
            } else if !rest.starts_with('}') {
                return Err("expected `,` or `}` after a label".into());
            }
        }
    }
    if !rest.starts_with([' ', '\t']) {
        return Err("no whitespace before the value".into());
    }
    let mut tokens = rest.split([' ', '\t']).filter(|t| !t.is_empty());
    let value = parse_value(tokens.next().ok_or("no value")?)?;
    if let Some(ts) = tokens.next() {
        ts.parse::<u64>()
            .map_err(|_| format!("timestamp `{ts}` is not non-negative int64 milliseconds"))?;
    }
    if tokens.next().is_some() {
        return Err("trailing tokens after the timestamp".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Label values that the text format must escape or that look like syntax (used by the
/// round-trip tests and by the real-Prometheus fixture of `scripts/e2e.sh`).
pub const AWKWARD_LABEL_VALUES: &[&str] = &[
    "plain",
    "",
    "\"",
    "\\",
    "\n",
    "#",
    "}",
    "{",
    ",",
    "=",
    "a\"b\\c\nd",
    "\\n",          // a backslash then `n`: must not read back as a newline
    "\\\"",         // a backslash then a quote
    "trailing\\",   // ends in a backslash, right before the closing quote
    "x\",y=\"z",    // tries to inject a second label
    "} 42\nfake 1", // tries to end the sample and start another
    "# HELP x y",
    "héllo wörld ✓ 日本語 🦀",
    " leading and trailing spaces ",
    "tab\there",
];

/// An HTTP response as the tests see it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response whose body is kept as bytes (it may be gzipped).
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `Connection: close` and these extra headers; reads the
/// whole response and undoes a chunked transfer encoding.
pub fn http_raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<RawResponse> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in extra_headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8(raw[..split].to_vec()).map_err(|_| bad("head not UTF-8"))?;
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body).ok_or_else(|| bad("bad chunked body"))?;
    }
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// One HTTP/1.1 request with `Connection: close`; reads the whole response, whose body
/// must be UTF-8.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<Response> {
    let raw = http_raw(addr, method, path, &[], body)?;
    let body = String::from_utf8(raw.body).map_err(|_| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "body not UTF-8".to_owned())
    })?;
    Ok(Response {
        status: raw.status,
        headers: raw.headers,
        body,
    })
}

/// Serves `app` on 127.0.0.1:0 from a multi-threaded runtime that lives as long as the
/// returned value (dropping it stops the server).
pub fn serve_axum(app: axum::Router) -> (SocketAddr, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, rt)
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// `GET path`, panicking with context on a transport error.
pub fn get(addr: SocketAddr, path: &str) -> Response {
    http(addr, "GET", path, "").unwrap_or_else(|e| panic!("GET http://{addr}{path}: {e}"))
}

/// Parses with `prometheus-parse`, the independent third-party reader.
pub fn parse_with_prometheus_parse(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .expect("prometheus-parse reads the exposition")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_reader_rejects_what_the_spec_rejects() {
        for bad in [
            "a 1",                                          // no final newline
            "a 1\r\n",                                      // CR
            "a{b=\"x\\t\"} 1\n",                            // unknown escape
            "# HELP a x\\\"y\na 1\n",                       // \" in HELP
            "a 1\nb 1\na 2\n",                              // duplicate series
            "# TYPE a counter\na 1\n# TYPE a counter\n",    // second TYPE
            "a 1 -5\n",                                     // negative timestamp
            "# TYPE h histogram\nh_bucket{le=\"1.0\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
            "# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
            "a{b=\"x\"c=\"y\"} 1\n",
            "a 0x10\n",
        ] {
            assert!(parse_strict(bad).is_err(), "accepted {bad:?}");
        }
        let ok =
            "# HELP a x\\\\y\\nz \"q\"\n# TYPE a gauge\na{b=\"\\\"\\\\\\n,=}{#\",c=\"\"} -1.5e3\n";
        let e = parse_strict(ok).unwrap();
        assert_eq!(e.families[0].help.as_deref(), Some("x\\y\nz \"q\""));
        assert_eq!(
            e.families[0].samples[0].labels,
            vec![
                ("b".to_owned(), "\"\\\n,=}{#".to_owned()),
                ("c".to_owned(), String::new())
            ]
        );
        assert_eq!(e.families[0].samples[0].value, -1500.0);
    }
}
