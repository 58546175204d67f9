//! The line grammar of OpenMetrics 1.0 text.

use super::cursor::{parse_float, Cursor, Escapes, EXEMPLAR_MAX_CODE_POINTS};
use super::families::{Builder, Metadata};
use super::{Exemplar, Format, MetricFamily, MetricType, ParseError, Sample, Timestamp};

const SPACE: &[char] = &[' '];

pub(super) fn parse(input: &str, utf8: bool) -> Result<Vec<MetricFamily>, ParseError> {
    let mut builder = Builder::new(Format::OpenMetrics, false);
    let lines: Vec<&str> = input.split('\n').collect();
    let mut eof = false;
    for (i, line) in lines.iter().enumerate() {
        let line_no = i + 1;
        let last = i + 1 == lines.len();
        if eof {
            if last && line.is_empty() {
                break; // the optional newline after `# EOF`
            }
            return Err(ParseError::new(
                line_no,
                1,
                "nothing may follow `# EOF` (it ends the exposition)",
            ));
        }
        if line.is_empty() {
            if last {
                break;
            }
            return Err(ParseError::new(
                line_no,
                1,
                "blank lines are not allowed in OpenMetrics",
            ));
        }
        if *line == "# EOF" {
            eof = true;
            continue;
        }
        parse_line(&mut builder, line, line_no, utf8)?;
    }
    if !eof {
        let line_no = lines.len();
        let column = lines.last().map_or(0, |l| l.chars().count()) + 1;
        return Err(ParseError::new(
            line_no,
            column,
            "the exposition must end with `# EOF`",
        ));
    }
    builder.finish()
}

/// Consumes the one space between two tokens.
fn separator(c: &mut Cursor<'_>, before: &str) -> Result<(), ParseError> {
    c.expect(' ', &format!("a space before {before}"))?;
    match c.peek() {
        Some(' ') | Some('\t') => {
            Err(c.error("tokens are separated by exactly one space in OpenMetrics"))
        }
        None => Err(c.error(format!(
            "expected {before} after the space (no trailing spaces in OpenMetrics)"
        ))),
        Some(_) => Ok(()),
    }
}

fn parse_line(
    builder: &mut Builder,
    line: &str,
    line_no: usize,
    utf8: bool,
) -> Result<(), ParseError> {
    let mut c = Cursor::new(line, line_no, utf8);
    if c.eat('#') {
        const ALLOWED: &str =
            "OpenMetrics comments are `# HELP`, `# TYPE`, `# UNIT` and `# EOF` only";
        if !c.eat(' ') {
            return Err(c.error(format!("expected a space after `#`: {ALLOWED}")));
        }
        let keyword_pos = c.pos();
        let keyword = c.token(SPACE);
        if keyword == "EOF" {
            return Err(c.error_at(keyword_pos, "`# EOF` must be alone on its line"));
        }
        if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
            return Err(c.error_at(
                keyword_pos,
                format!("`# {}` is not allowed: {ALLOWED}", keyword.escape_debug()),
            ));
        }
        separator(&mut c, "the metric name")?;
        let name_pos = c.pos();
        let name = c.metric_name()?;
        let at = c.at(name_pos);
        c.expect(' ', &format!("a space after the metric name `{name}`"))?;
        match keyword {
            "HELP" => {
                let help = c.escaped_rest(Escapes::Quoted, false)?;
                builder.metadata(&name, Metadata::Help(help), at)
            }
            "TYPE" => {
                let type_pos = c.pos();
                let spelled = c.take_rest();
                let metric_type = om_type(spelled).map_err(|m| c.error_at(type_pos, m))?;
                builder.metadata(&name, Metadata::Type(metric_type), at)
            }
            _ => {
                let unit_pos = c.pos();
                let unit = c.take_rest();
                if let Some(bad) = unit
                    .chars()
                    .find(|ch| !(ch.is_ascii_alphanumeric() || *ch == '_' || *ch == ':'))
                {
                    return Err(c.error_at(
                        unit_pos,
                        format!(
                            "invalid character `{}` in unit `{}` (units use [a-zA-Z0-9_:])",
                            bad.escape_debug(),
                            unit.escape_debug()
                        ),
                    ));
                }
                builder.metadata(&name, Metadata::Unit(unit.to_owned()), at)
            }
        }
    } else {
        if matches!(c.peek(), Some(' ' | '\t')) {
            return Err(c.error("lines cannot start with whitespace in OpenMetrics"));
        }
        let name_pos = c.pos();
        let (name, labels) = super::text::sample_name_and_labels(&mut c, true)?;
        separator(&mut c, "the value")?;
        let value_pos = c.pos();
        let value = parse_float(c.token(SPACE)).map_err(|m| c.error_at(value_pos, m))?;
        let mut timestamp = None;
        let mut exemplar = None;
        if !c.at_end() {
            separator(&mut c, "a timestamp or an exemplar")?;
            if c.peek() != Some('#') {
                timestamp = Some(Timestamp::Seconds(seconds(&mut c)?));
                if !c.at_end() {
                    separator(&mut c, "an exemplar")?;
                }
            }
            if !c.at_end() {
                exemplar = Some(parse_exemplar(&mut c)?);
            }
        }
        let sample = Sample {
            name,
            labels,
            value,
            timestamp,
            exemplar,
        };
        builder.sample(sample, c.at(name_pos))
    }
}

/// A timestamp in seconds: any finite number.
fn seconds(c: &mut Cursor<'_>) -> Result<f64, ParseError> {
    let pos = c.pos();
    let spelled = c.token(SPACE);
    let ts =
        parse_float(spelled).map_err(|m| c.error_at(pos, format!("invalid timestamp: {m}")))?;
    if !ts.is_finite() {
        return Err(c.error_at(pos, format!("timestamp `{spelled}` must be finite")));
    }
    Ok(ts)
}

/// `# {labels} value [timestamp]`, at the `#`.
fn parse_exemplar(c: &mut Cursor<'_>) -> Result<Exemplar, ParseError> {
    c.expect('#', "`#` to start an exemplar")?;
    c.expect(' ', "a space after the exemplar's `#`")?;
    if c.peek() != Some('{') {
        return Err(c.error(format!(
            "expected the exemplar's label set in braces (`{{}}` when it has none), found {}",
            c.found()
        )));
    }
    let labels_pos = c.pos();
    let labels = c.labels(true)?;
    let code_points: usize = labels
        .iter()
        .map(|(n, v)| n.chars().count() + v.chars().count())
        .sum();
    if code_points > EXEMPLAR_MAX_CODE_POINTS {
        return Err(c.error_at(
            labels_pos,
            format!(
                "exemplar labels have {code_points} code points; at most {EXEMPLAR_MAX_CODE_POINTS} are allowed (names and values together)"
            ),
        ));
    }
    separator(c, "the exemplar's value")?;
    let value_pos = c.pos();
    let value = parse_float(c.token(SPACE))
        .map_err(|m| c.error_at(value_pos, format!("invalid exemplar value: {m}")))?;
    let timestamp = if c.at_end() {
        None
    } else {
        separator(c, "the exemplar's timestamp")?;
        let ts = seconds(c)?;
        if !c.at_end() {
            return Err(c.error(format!(
                "unexpected `{}` after the exemplar",
                c.rest().escape_debug()
            )));
        }
        Some(ts)
    };
    Ok(Exemplar::parsed(labels, value, timestamp))
}

fn om_type(spelled: &str) -> Result<MetricType, String> {
    Ok(match spelled {
        "counter" => MetricType::Counter,
        "gauge" => MetricType::Gauge,
        "histogram" => MetricType::Histogram,
        "gaugehistogram" => MetricType::GaugeHistogram,
        "summary" => MetricType::Summary,
        "info" => MetricType::Info,
        "stateset" => MetricType::StateSet,
        "unknown" => MetricType::Unknown,
        "untyped" => {
            return Err(
                "`untyped` is the text 0.0.4 spelling; OpenMetrics calls it `unknown`".to_owned(),
            )
        }
        other if other.ends_with(' ') => {
            return Err(format!(
                "unexpected trailing space after the type `{}`",
                other.trim_end()
            ))
        }
        other => {
            return Err(format!(
                "unknown type `{}`: expected one of `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset`, `unknown`",
                other.escape_debug()
            ))
        }
    })
}
