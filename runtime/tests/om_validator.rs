//! A strict OpenMetrics 1.0 checker for the tests: every OpenMetrics exposition the tests
//! produce is run through [`check`]. It follows the specification's rules (not
//! Prometheus' leniency): `# EOF` last, no blank lines, single spaces, metadata once and
//! before the samples, no interleaved families, suffixes per type, `_count` iff `_sum`,
//! cumulative buckets ending in `+Inf`, exemplars only on `_total`/`_bucket` and at most
//! 128 code points, info = 1, stateset 0/1, quantiles in [0, 1], UNIT a name suffix.
//!
//! Other tests include it with `#[path = "om_validator.rs"] mod om_validator;`; as a test
//! target of its own it checks that it rejects what it should.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};

/// Label pairs, unescaped.
pub type Pairs = Vec<(String, String)>;

/// An exemplar: labels, value, timestamp.
pub type OmExemplar = (Pairs, f64, Option<f64>);

/// One parsed sample.
#[derive(Debug, Clone)]
pub struct OmSample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub timestamp: Option<f64>,
    pub exemplar: Option<OmExemplar>,
}

/// One parsed family.
#[derive(Debug, Clone, Default)]
pub struct OmFamily {
    pub name: String,
    pub ty: String,
    pub unit: Option<String>,
    pub help: Option<String>,
    pub samples: Vec<OmSample>,
}

/// Parses and validates `text`; returns the families or the first problem with its line.
pub fn check(text: &str) -> Result<Vec<OmFamily>, String> {
    let body = text
        .strip_suffix("# EOF\n")
        .or_else(|| text.strip_suffix("# EOF"))
        .ok_or("does not end with `# EOF`")?;
    if text.contains('\r') {
        return Err("contains CR".into());
    }
    let mut families: Vec<OmFamily> = Vec::new();
    let mut seen_names: HashSet<String> = HashSet::new();
    for (no, line) in body.lines().enumerate() {
        let err = |m: &str| Err(format!("line {}: {m}: {line:?}", no + 1));
        if line.is_empty() {
            return err("blank line");
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kw, name, value) = (parts.next().unwrap_or(""), parts.next(), parts.next());
            let Some(name) = name else {
                return err("metadata without name");
            };
            if !valid_metric_name(name) {
                return err("invalid metric name in metadata");
            }
            let value = value.unwrap_or("");
            let start_new = match families.last() {
                Some(f) => f.name != name || !f.samples.is_empty(),
                None => true,
            };
            if start_new {
                if !seen_names.insert(name.to_owned()) {
                    return err("family repeated or interleaved");
                }
                families.push(OmFamily {
                    name: name.to_owned(),
                    ty: "unknown".into(),
                    ..Default::default()
                });
            }
            let f = families.last_mut().unwrap();
            match kw {
                "TYPE" => {
                    if !matches!(
                        value,
                        "counter"
                            | "gauge"
                            | "histogram"
                            | "gaugehistogram"
                            | "stateset"
                            | "info"
                            | "summary"
                            | "unknown"
                    ) {
                        return err("invalid type");
                    }
                    if f.ty != "unknown" || f.unit.is_some() {
                        return err("TYPE repeated");
                    }
                    f.ty = value.to_owned();
                }
                "UNIT" => {
                    if f.unit.is_some() {
                        return err("UNIT repeated");
                    }
                    if !value.is_empty() && !name.ends_with(&format!("_{value}")) {
                        return err("UNIT is not a suffix of the name");
                    }
                    if !value.is_empty() && matches!(f.ty.as_str(), "info" | "stateset") {
                        return err("info/stateset with a unit");
                    }
                    f.unit = Some(value.to_owned());
                }
                "HELP" => {
                    if f.help.is_some() {
                        return err("HELP repeated");
                    }
                    f.help =
                        Some(unescape(value, true).map_err(|e| format!("line {}: {e}", no + 1))?);
                }
                _ => return err("unknown comment"),
            }
            continue;
        }
        if line.starts_with('#') {
            return err("comment that is not HELP/TYPE/UNIT/EOF");
        }
        let sample = parse_sample(line).map_err(|e| format!("line {}: {e}: {line:?}", no + 1))?;
        let fits = |f: &OmFamily| {
            suffixes(&f.ty)
                .iter()
                .any(|s| sample.name == format!("{}{s}", f.name))
        };
        match families.last_mut() {
            Some(f) if fits(f) => f.samples.push(sample),
            _ => {
                // A sample of a family without metadata: an unknown family of its own.
                if !seen_names.insert(sample.name.clone()) {
                    return err("sample does not belong to the current family");
                }
                families.push(OmFamily {
                    name: sample.name.clone(),
                    ty: "unknown".into(),
                    samples: vec![sample],
                    ..Default::default()
                });
            }
        }
    }
    for f in &families {
        check_family(f)?;
    }
    Ok(families)
}

fn suffixes(ty: &str) -> &'static [&'static str] {
    match ty {
        "counter" => &["_total", "_created"],
        "histogram" => &["_bucket", "_sum", "_count", "_created"],
        "gaugehistogram" => &["_bucket", "_gsum", "_gcount"],
        "summary" => &["", "_sum", "_count", "_created"],
        "info" => &["_info"],
        _ => &[""],
    }
}

fn valid_metric_name(n: &str) -> bool {
    let mut c = n.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_' || ch == ':')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':')
}

fn valid_label_name(n: &str) -> bool {
    let mut c = n.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

fn unescape(s: &str, help: bool) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('n') => out.push('\n'),
                other => return Err(format!("invalid escape \\{other:?}")),
            },
            '"' if !help => return Err("unescaped quote".into()),
            '\n' => return Err("raw newline".into()),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn parse_number(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => {
            if s.is_empty()
                || !s
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            {
                return Err(format!("invalid number {s:?}"));
            }
            s.parse::<f64>()
                .map_err(|_| format!("invalid number {s:?}"))
        }
    }
}

/// Parses `{a="x",b="y"}` starting at `s[0] == '{'`; returns the pairs and the rest.
fn parse_labels(s: &str) -> Result<(Pairs, &str), String> {
    let mut rest = &s[1..];
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(r) = rest.strip_prefix('}') {
        return Ok((pairs, r));
    }
    loop {
        let eq = rest.find("=\"").ok_or("label without =\"")?;
        let name = &rest[..eq];
        if !valid_label_name(name) {
            return Err(format!("invalid label name {name:?}"));
        }
        if pairs.iter().any(|(n, _)| n == name) {
            return Err(format!("duplicate label {name:?}"));
        }
        let body = &rest[eq + 2..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("unterminated label value")?;
        pairs.push((name.to_owned(), unescape(&body[..end], false)?));
        rest = &body[end + 1..];
        if let Some(r) = rest.strip_prefix('}') {
            return Ok((pairs, r));
        }
        rest = rest.strip_prefix(',').ok_or("expected , or }")?;
        if rest.starts_with('}') {
            return Err("trailing comma".into());
        }
    }
}

fn parse_sample(line: &str) -> Result<OmSample, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    if !valid_metric_name(name) {
        return Err(format!("invalid metric name {name:?}"));
    }
    let (labels, rest) = if line[name_end..].starts_with('{') {
        parse_labels(&line[name_end..])?
    } else {
        (Vec::new(), &line[name_end..])
    };
    let rest = rest
        .strip_prefix(' ')
        .ok_or("expected one space before the value")?;
    let (main, exemplar) = match rest.split_once(" # ") {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let mut fields = main.split(' ');
    let value = parse_number(fields.next().ok_or("no value")?)?;
    let timestamp = match fields.next() {
        Some(t) => Some(parse_number(t)?),
        None => None,
    };
    if fields.next().is_some() {
        return Err("extra fields (or double spaces)".into());
    }
    if timestamp.is_some_and(|t| !t.is_finite()) {
        return Err("timestamp not finite".into());
    }
    let exemplar = match exemplar {
        None => None,
        Some(e) => {
            if !e.starts_with('{') {
                return Err("exemplar without labels".into());
            }
            let (labels, rest) = parse_labels(e)?;
            let code_points: usize = labels
                .iter()
                .map(|(n, v)| n.chars().count() + v.chars().count())
                .sum();
            if code_points > 128 {
                return Err("exemplar labels over 128 code points".into());
            }
            let rest = rest.strip_prefix(' ').ok_or("exemplar without value")?;
            let mut f = rest.split(' ');
            let v = parse_number(f.next().ok_or("exemplar without value")?)?;
            let ts = match f.next() {
                Some(t) => Some(parse_number(t)?),
                None => None,
            };
            if f.next().is_some() || ts.is_some_and(|t| !t.is_finite()) {
                return Err("bad exemplar".into());
            }
            Some((labels, v, ts))
        }
    };
    Ok(OmSample {
        name: name.to_owned(),
        labels,
        value,
        timestamp,
        exemplar,
    })
}

fn check_family(f: &OmFamily) -> Result<(), String> {
    let err = |m: String| Err(format!("family {}: {m}", f.name));
    if f.ty == "counter" && f.name.ends_with("_total") {
        return err("counter family named with _total".into());
    }
    // Group samples by their labels without le/quantile/<stateset label>.
    let own = |l: &(String, String)| {
        (l.0 == "le" && matches!(f.ty.as_str(), "histogram" | "gaugehistogram"))
            || (l.0 == "quantile" && f.ty == "summary")
            || (l.0 == f.name && f.ty == "stateset")
    };
    let mut groups: BTreeMap<Vec<(String, String)>, Vec<&OmSample>> = BTreeMap::new();
    let mut order: Vec<Vec<(String, String)>> = Vec::new();
    for s in &f.samples {
        let mut key: Vec<_> = s.labels.iter().filter(|l| !own(l)).cloned().collect();
        key.sort();
        if !groups.contains_key(&key) {
            if order.last().is_some_and(|_| true) && order.contains(&key) {
                return err(format!("metric {key:?} interleaved"));
            }
            order.push(key.clone());
        }
        if order.last() != Some(&key) {
            return err(format!("metric {key:?} interleaved"));
        }
        groups.entry(key).or_default().push(s);
        let suffix = &s.name[f.name.len()..];
        if s.exemplar.is_some() && !matches!(suffix, "_total" | "_bucket") {
            return err(format!("exemplar on {}", s.name));
        }
        if let Some((_, v, _)) = &s.exemplar {
            if !v.is_finite() {
                return err("exemplar value not finite".into());
            }
        }
    }
    for (key, samples) in &groups {
        let by = |suffix: &str| -> Vec<&OmSample> {
            samples
                .iter()
                .copied()
                .filter(|s| s.name == format!("{}{suffix}", f.name))
                .collect()
        };
        let ts: Vec<bool> = samples.iter().map(|s| s.timestamp.is_some()).collect();
        if ts.iter().any(|t| *t) && !ts.iter().all(|t| *t) {
            return err(format!("{key:?}: some samples have timestamps, some not"));
        }
        let one = |suffix: &str| -> Result<Option<f64>, String> {
            let v = by(suffix);
            if v.len() > 1 {
                return Err(format!("family {}: {key:?}: {suffix} repeated", f.name));
            }
            Ok(v.first().map(|s| s.value))
        };
        match f.ty.as_str() {
            "counter" => {
                let total = one("_total")?.ok_or(format!("family {}: no _total", f.name))?;
                if total.is_nan() || total < 0.0 {
                    return err("negative or NaN counter".into());
                }
                one("_created")?;
            }
            "histogram" | "gaugehistogram" => {
                let buckets = by("_bucket");
                let mut prev_le = f64::NEG_INFINITY;
                let mut prev_count = 0.0;
                for b in &buckets {
                    let le = b
                        .labels
                        .iter()
                        .find(|l| l.0 == "le")
                        .ok_or("bucket without le")?;
                    let le = parse_number(&le.1)?;
                    if le <= prev_le {
                        return err("buckets not ascending".into());
                    }
                    if b.value < prev_count || b.value.fract() != 0.0 {
                        return err("bucket counts not cumulative integers".into());
                    }
                    if let Some((_, v, _)) = &b.exemplar {
                        if !(*v > prev_le && *v <= le) {
                            return err(format!("exemplar {v} outside bucket le={le}"));
                        }
                    }
                    prev_le = le;
                    prev_count = b.value;
                }
                if prev_le != f64::INFINITY {
                    return err("no +Inf bucket".into());
                }
                let negative = buckets.iter().any(|b| {
                    b.labels
                        .iter()
                        .any(|l| l.0 == "le" && parse_number(&l.1).is_ok_and(|v| v < 0.0))
                });
                let (sum, count) = if f.ty == "histogram" {
                    (one("_sum")?, one("_count")?)
                } else {
                    (one("_gsum")?, one("_gcount")?)
                };
                if sum.is_some() != count.is_some() {
                    return err("_count without _sum or the reverse".into());
                }
                if f.ty == "histogram" && negative && sum.is_some() {
                    return err("_sum with a negative bucket".into());
                }
                if let Some(c) = count {
                    if c != prev_count {
                        return err("_count differs from the +Inf bucket".into());
                    }
                }
            }
            "summary" => {
                for q in by("") {
                    let ql = q
                        .labels
                        .iter()
                        .find(|l| l.0 == "quantile")
                        .ok_or("summary sample without quantile")?;
                    let qv = parse_number(&ql.1)?;
                    if !(0.0..=1.0).contains(&qv) {
                        return err("quantile outside [0, 1]".into());
                    }
                }
                let (sum, count) = (one("_sum")?, one("_count")?);
                if sum.is_some() != count.is_some() {
                    return err("_count without _sum".into());
                }
                if count.is_some_and(|c| c < 0.0 || c.is_nan()) {
                    return err("bad count".into());
                }
            }
            "info" => {
                if one("_info")? != Some(1.0) {
                    return err("info value must be 1".into());
                }
            }
            "stateset" => {
                for s in samples {
                    if s.value != 0.0 && s.value != 1.0 {
                        return err("stateset value must be 0 or 1".into());
                    }
                    if !s.labels.iter().any(|l| l.0 == f.name) {
                        return err("stateset sample without its state label".into());
                    }
                }
            }
            _ => {
                if samples.len() != 1 {
                    return err(format!("{key:?}: repeated sample"));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn accepts_a_valid_exposition() {
    let text = "# TYPE a counter\n# UNIT a \n# HELP a A \\\"b\\\".\na_total{x=\"1\"} 1 # {t=\"x\"} 1.0 1.5\na_created{x=\"1\"} 1.7e9\n\
                # TYPE h histogram\nh_bucket{le=\"1.0\"} 0\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.0\nh_count 2\n\
                # TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"b\"} 0\n# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n";
    check(text).unwrap();
}

#[test]
fn rejects_what_the_specification_rejects() {
    let bad = [
        ("no eof", "# TYPE a gauge\na 1\n"),
        ("blank line", "# TYPE a gauge\n\na 1\n# EOF\n"),
        ("untyped", "# TYPE a untyped\na 1\n# EOF\n"),
        ("counter family with _total", "# TYPE a_total counter\na_total_total 1\n# EOF\n"),
        ("double space", "# TYPE a gauge\na  1\n# EOF\n"),
        ("trailing comma", "# TYPE a gauge\na{b=\"1\",} 1\n# EOF\n"),
        ("count without sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n# EOF\n"),
        ("no +Inf", "# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\n# EOF\n"),
        ("sum with negative bucket", "# TYPE h histogram\nh_bucket{le=\"-1.0\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n# EOF\n"),
        ("exemplar on gauge", "# TYPE a gauge\na 1 # {t=\"x\"} 1\n# EOF\n"),
        ("exemplar too long", &format!("# TYPE a counter\na_total 1 # {{t=\"{}\"}} 1\n# EOF\n", "x".repeat(128))),
        ("info not 1", "# TYPE i info\ni_info 2\n# EOF\n"),
        ("stateset 2", "# TYPE s stateset\ns{s=\"a\"} 2\n# EOF\n"),
        ("unit not suffix", "# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n"),
        ("interleaved", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\na 2\n# EOF\n"),
        ("text after eof", "# TYPE a gauge\na 1\n# EOF\na 2\n"),
        ("bad escape", "# TYPE a gauge\na{b=\"\\t\"} 1\n# EOF\n"),
        ("help repeated", "# TYPE a gauge\n# HELP a x\n# HELP a y\na 1\n# EOF\n"),
        ("quantile > 1", "# TYPE s summary\ns{quantile=\"1.5\"} 1\n# EOF\n"),
        ("count differs", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n# EOF\n"),
    ];
    for (what, text) in bad {
        assert!(check(text).is_err(), "accepted {what}: {text:?}");
    }
}
