//! The Prometheus protobuf exposition read into the same families the text parsers give,
//! named the way a text 0.0.4 scrape names them (a counter family `x_total`), with the
//! samples Prometheus makes of each message: `_bucket{le}` (the `+Inf` bucket from
//! `sample_count` when not written), `_sum`, `_count`, `quantile`, `_gcount`/`_gsum` for
//! gauge histograms; `_created` from `created_timestamp` and exemplars as OpenMetrics
//! has them. A native histogram's exponential buckets have no place in these families:
//! it reads as its count and sum (and classic buckets, if it has them).

use super::{Exemplar, MetricFamily, MetricType, ParseError, Sample, Timestamp};
use crate::encoding::protobuf::proto::{self, MetricType as P};
use crate::number::write_canonical_f64;

pub(super) fn parse(mut input: &[u8]) -> Result<Vec<MetricFamily>, ParseError> {
    use prost::Message;
    let total = input.len();
    let mut families = Vec::new();
    while !input.is_empty() {
        let at = total - input.len();
        let error = |message: String| {
            ParseError::new(
                1,
                at + 1,
                format!("family {} (at byte {at}): {message}", families.len() + 1),
            )
        };
        let family = proto::MetricFamily::decode_length_delimited(&mut input)
            .map_err(|e| error(format!("not a delimited MetricFamily message: {e}")))?;
        families.push(convert(family).map_err(error)?);
    }
    Ok(families)
}

fn convert(f: proto::MetricFamily) -> Result<MetricFamily, String> {
    let name = f.name.clone().unwrap_or_default();
    if name.is_empty() {
        return Err("the family has no name".into());
    }
    let ty = match f.r#type {
        None => P::Gauge,
        Some(t) => P::try_from(t).map_err(|_| format!("`{name}`: unknown type {t}"))?,
    };
    let metric_type = match ty {
        P::Counter => MetricType::Counter,
        P::Gauge => MetricType::Gauge,
        P::Summary => MetricType::Summary,
        P::Untyped => MetricType::Unknown,
        P::Histogram => MetricType::Histogram,
        P::GaugeHistogram => MetricType::GaugeHistogram,
    };
    let mut samples = Vec::new();
    for m in f.metric {
        metric(&name, ty, m, &mut samples)?;
    }
    Ok(MetricFamily {
        name,
        metric_type,
        help: f.help.filter(|h| !h.is_empty()),
        unit: f.unit.filter(|u| !u.is_empty()),
        samples,
    })
}

fn labels(pairs: Vec<proto::LabelPair>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|p| (p.name.unwrap_or_default(), p.value.unwrap_or_default()))
        .collect()
}

fn exemplar(e: Option<proto::Exemplar>) -> Option<Exemplar> {
    e.map(|e| {
        Exemplar::parsed(
            labels(e.label),
            e.value.unwrap_or(0.0),
            e.timestamp.map(|t| t.as_seconds()),
        )
    })
}

fn metric(family: &str, ty: P, m: proto::Metric, out: &mut Vec<Sample>) -> Result<(), String> {
    let series = labels(m.label);
    if series.iter().any(|(n, _)| n.is_empty()) {
        return Err(format!("`{family}`: a label has an empty name"));
    }
    let timestamp = m.timestamp_ms.map(Timestamp::Millis);
    let mut push =
        |suffix: &str, extra: Option<(&str, String)>, value: f64, ex: Option<Exemplar>| {
            let mut labels = series.clone();
            labels.extend(extra.map(|(n, v)| (n.to_owned(), v)));
            out.push(Sample {
                name: format!("{family}{suffix}"),
                labels,
                value,
                timestamp,
                exemplar: ex,
            });
        };
    let canonical = |v: f64| {
        let mut s = String::new();
        write_canonical_f64(&mut s, v);
        s
    };
    let base = family.strip_suffix("_total").unwrap_or(family);
    let missing =
        |what: &str| format!("`{family}`: a series of this {what} family has no {what} value");
    match ty {
        P::Counter => {
            let c = m.counter.ok_or_else(|| missing("counter"))?;
            push("", None, c.value.unwrap_or(0.0), exemplar(c.exemplar));
            if let Some(t) = c.created_timestamp {
                out.push(Sample {
                    name: format!("{base}_created"),
                    labels: series.clone(),
                    value: t.as_seconds(),
                    timestamp,
                    exemplar: None,
                });
            }
        }
        P::Gauge => {
            let g = m.gauge.ok_or_else(|| missing("gauge"))?;
            push("", None, g.value.unwrap_or(0.0), None);
        }
        P::Untyped => {
            let u = m.untyped.ok_or_else(|| missing("untyped"))?;
            push("", None, u.value.unwrap_or(0.0), None);
        }
        P::Summary => {
            let s = m.summary.ok_or_else(|| missing("summary"))?;
            for q in s.quantile {
                let quantile = canonical(q.quantile.unwrap_or(0.0));
                push(
                    "",
                    Some(("quantile", quantile)),
                    q.value.unwrap_or(0.0),
                    None,
                );
            }
            push("_sum", None, s.sample_sum.unwrap_or(0.0), None);
            push("_count", None, s.sample_count.unwrap_or(0) as f64, None);
            if let Some(t) = s.created_timestamp {
                push("_created", None, t.as_seconds(), None);
            }
        }
        P::Histogram | P::GaugeHistogram => {
            let h = m.histogram.ok_or_else(|| missing("histogram"))?;
            let count = match h.sample_count_float {
                Some(c) if h.sample_count.is_none() => c,
                _ => h.sample_count.unwrap_or(0) as f64,
            };
            let mut inf = false;
            let mut previous = f64::NEG_INFINITY;
            for b in h.bucket {
                let le = b.upper_bound.unwrap_or(f64::NAN);
                if le.is_nan() || le <= previous {
                    return Err(format!(
                        "`{family}`: bucket bounds must increase (`{}` after `{}`)",
                        canonical(le),
                        canonical(previous)
                    ));
                }
                previous = le;
                inf |= le == f64::INFINITY;
                let value = match b.cumulative_count_float {
                    Some(c) if b.cumulative_count.is_none() => c,
                    _ => b.cumulative_count.unwrap_or(0) as f64,
                };
                push(
                    "_bucket",
                    Some(("le", canonical(le))),
                    value,
                    exemplar(b.exemplar),
                );
            }
            if !inf {
                push("_bucket", Some(("le", "+Inf".to_owned())), count, None);
            }
            let sum = h.sample_sum.unwrap_or(0.0);
            if ty == P::Histogram {
                push("_sum", None, sum, None);
                push("_count", None, count, None);
                if let Some(t) = h.created_timestamp {
                    push("_created", None, t.as_seconds(), None);
                }
            } else {
                push("_gcount", None, count, None);
                push("_gsum", None, sum, None);
            }
        }
    }
    Ok(())
}
