//! The line grammar of the Prometheus text format 0.0.4.

use super::cursor::{parse_float, Cursor, Escapes};
use super::families::{Builder, Metadata};
use super::{Format, MetricFamily, MetricType, ParseError, Sample, Timestamp};

const BLANKS: &[char] = &[' ', '\t'];

pub(super) fn parse(
    input: &str,
    lenient: bool,
    utf8: bool,
) -> Result<Vec<MetricFamily>, ParseError> {
    let mut builder = Builder::new(Format::Text, lenient);
    // `split` yields the text after the last `\n` last: empty when the input ends in one.
    let mut lines: Vec<&str> = input.split('\n').collect();
    let unterminated = lines.pop().filter(|last| !last.is_empty());
    for (i, line) in lines.iter().enumerate() {
        parse_line(&mut builder, line, i + 1, utf8)?;
    }
    if let Some(last) = unterminated {
        let line_no = lines.len() + 1;
        parse_line(&mut builder, last, line_no, utf8)?;
        if !lenient {
            return Err(ParseError::new(
                line_no,
                last.chars().count() + 1,
                "the last line must end with a newline (`\\n`)",
            ));
        }
    }
    builder.finish()
}

/// One line. Strict and lenient parsing read lines alike (unknown escape sequences are
/// kept as written in both); they differ in what [`Builder`] checks across lines.
fn parse_line(
    builder: &mut Builder,
    line: &str,
    line_no: usize,
    utf8: bool,
) -> Result<(), ParseError> {
    let mut c = Cursor::new(line, line_no, utf8);
    c.skip_blanks();
    if c.at_end() {
        return Ok(());
    }
    if c.eat('#') {
        c.skip_blanks();
        let keyword = c.token(BLANKS);
        if keyword != "HELP" && keyword != "TYPE" {
            return Ok(()); // an ordinary comment (`# EOF` included)
        }
        if !c.skip_blanks() {
            return Err(c.error(format!(
                "expected a metric name after `# {keyword}`, found {}",
                c.found()
            )));
        }
        let name_pos = c.pos();
        let name = c.metric_name()?;
        let at = c.at(name_pos);
        if keyword == "HELP" {
            let help = if c.at_end() {
                String::new()
            } else {
                if !c.skip_blanks() {
                    return Err(c.error(format!(
                        "expected a space after the metric name `{name}`, found {}",
                        c.found()
                    )));
                }
                c.escaped_rest(Escapes::Help004, true)?
            };
            builder.metadata(&name, Metadata::Help(help), at)
        } else {
            if !c.skip_blanks() {
                return Err(c.error(format!(
                    "expected a type after the metric name `{name}`, found {}",
                    c.found()
                )));
            }
            let type_pos = c.pos();
            let spelled = c.token(BLANKS);
            c.skip_blanks();
            if !c.at_end() {
                return Err(c.error(format!("unexpected `{}` after the type", c.rest())));
            }
            let metric_type = text_type(spelled).map_err(|m| c.error_at(type_pos, m))?;
            builder.metadata(&name, Metadata::Type(metric_type), at)
        }
    } else {
        let name_pos = c.pos();
        let (name, labels) = sample_name_and_labels(&mut c, false)?;
        c.skip_blanks();
        if c.at_end() {
            return Err(c.error(format!("expected a value for `{name}`")));
        }
        let value_pos = c.pos();
        let value = parse_float(c.token(BLANKS)).map_err(|m| c.error_at(value_pos, m))?;
        c.skip_blanks();
        let timestamp = if c.at_end() {
            None
        } else {
            let ts_pos = c.pos();
            let ts = millis(c.token(BLANKS)).map_err(|m| c.error_at(ts_pos, m))?;
            c.skip_blanks();
            if !c.at_end() {
                return Err(c.error(format!(
                    "unexpected `{}` after the timestamp (a sample line is `name{{labels}} value [timestamp]`)",
                    c.rest()
                )));
            }
            Some(Timestamp::Millis(ts))
        };
        let sample = Sample {
            name,
            labels,
            value,
            timestamp,
            exemplar: None,
        };
        builder.sample(sample, c.at(name_pos))
    }
}

fn text_type(spelled: &str) -> Result<MetricType, String> {
    Ok(match spelled {
        "counter" => MetricType::Counter,
        "gauge" => MetricType::Gauge,
        "histogram" => MetricType::Histogram,
        "summary" => MetricType::Summary,
        "untyped" => MetricType::Unknown,
        "unknown" => {
            return Err(
                "`unknown` is the OpenMetrics spelling; text 0.0.4 calls it `untyped`".to_owned(),
            )
        }
        "info" | "stateset" | "gaugehistogram" => {
            return Err(format!(
                "`{spelled}` is an OpenMetrics type, not valid in text 0.0.4 (use `gauge`, or `histogram` for a gauge histogram)"
            ))
        }
        other => {
            return Err(format!(
                "unknown type `{}`: expected `counter`, `gauge`, `histogram`, `summary` or `untyped`",
                other.escape_debug()
            ))
        }
    })
}

/// A text 0.0.4 timestamp: integer milliseconds (an `i64`, negative before 1970).
fn millis(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "timestamp `{}` is not an integer number of milliseconds",
            s.escape_debug()
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("timestamp `{s}` is out of the range of a 64-bit integer"))
}

/// A sample's name and labels: `name{labels}`, or — when names may be quoted — the name
/// quoted inside the braces, `{"name",labels}`.
pub(super) fn sample_name_and_labels(
    c: &mut Cursor<'_>,
    openmetrics: bool,
) -> Result<(String, Vec<(String, String)>), ParseError> {
    if c.peek() == Some('{') && c.quoted_names() {
        let at = c.pos();
        let (name, labels) = c.labels_and_name(openmetrics, true)?;
        let name = name.ok_or_else(|| c.error_at(at, "expected a metric name before `{`"))?;
        return Ok((name, labels));
    }
    let name = c.metric_name()?.into_owned();
    if !openmetrics {
        c.skip_blanks();
    }
    let labels = if c.peek() == Some('{') {
        c.labels(openmetrics)?
    } else {
        Vec::new()
    };
    Ok((name, labels))
}
