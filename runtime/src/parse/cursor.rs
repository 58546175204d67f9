//! Reading one line: names, label sets, numbers and escaped text, with the position of
//! every mistake.

use std::borrow::Cow;
use std::collections::HashSet;

use super::ParseError;

/// A position in the input, for errors found after the line was read.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) line: usize,
    pub(super) column: usize,
}

impl At {
    pub(super) fn error(self, message: impl Into<String>) -> ParseError {
        ParseError::new(self.line, self.column, message)
    }
}

/// The most code points an exemplar's label names and values may hold together.
pub(super) const EXEMPLAR_MAX_CODE_POINTS: usize = 128;

/// Which escapes a piece of text may use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Escapes {
    /// `\\` and `\n` (HELP in text 0.0.4, where `\"` is no escape and stays as written).
    Help004,
    /// `\\`, `\"` and `\n` (label values, and HELP in OpenMetrics).
    Quoted,
}

/// A metric name given inside the braces, if any, and the label pairs.
pub(super) type NameAndLabels = (Option<String>, Vec<(String, String)>);

pub(super) struct Cursor<'a> {
    line: &'a str,
    pos: usize,
    line_no: usize,
    /// Names may be quoted (`"http.server.duration"`), as `escaping=allow-utf-8`
    /// expositions write names outside the legacy character set.
    utf8: bool,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(line: &'a str, line_no: usize, utf8: bool) -> Self {
        Cursor {
            line,
            pos: 0,
            line_no,
            utf8,
        }
    }

    /// Whether names may be quoted.
    pub(super) fn quoted_names(&self) -> bool {
        self.utf8
    }

    /// A quoted name after its opening quote (escapes `\\`, `\"`, `\n`); never empty.
    fn quoted_name(&mut self, what: &str) -> Result<String, ParseError> {
        let start = self.pos - 1;
        let name = self.quoted_value(false)?;
        if name.is_empty() {
            return Err(self.error_at(start, format!("an empty {what} name")));
        }
        Ok(name)
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// An error at byte offset `pos` of this line (always a char boundary).
    pub(super) fn error_at(&self, pos: usize, message: impl Into<String>) -> ParseError {
        self.at(pos).error(message)
    }

    /// The line and column of byte offset `pos`.
    pub(super) fn at(&self, pos: usize) -> At {
        let column = self.line.get(..pos).map_or(0, |s| s.chars().count()) + 1;
        At {
            line: self.line_no,
            column,
        }
    }

    /// An error at the current position.
    pub(super) fn error(&self, message: impl Into<String>) -> ParseError {
        self.error_at(self.pos, message)
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.line[self.pos..].chars().next()
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.line.len()
    }

    pub(super) fn rest(&self) -> &'a str {
        &self.line[self.pos..]
    }

    /// Consumes `c` if it is next.
    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Consumes `c` or explains what was expected.
    pub(super) fn expect(&mut self, c: char, what: &str) -> Result<(), ParseError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", self.found())))
        }
    }

    /// Skips spaces and tabs; whether any were skipped.
    pub(super) fn skip_blanks(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        self.pos != start
    }

    /// Everything up to the next separator (or the end of the line).
    pub(super) fn token(&mut self, separators: &[char]) -> &'a str {
        let rest = self.rest();
        let len = rest.find(separators).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Consumes the rest of the line.
    pub(super) fn take_rest(&mut self) -> &'a str {
        let rest = self.rest();
        self.pos = self.line.len();
        rest
    }

    /// How the next character reads in a message.
    pub(super) fn found(&self) -> String {
        describe(self.peek())
    }

    /// A metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`, or (when names may be quoted) any
    /// non-empty quoted string.
    pub(super) fn metric_name(&mut self) -> Result<Cow<'a, str>, ParseError> {
        if self.utf8 && self.eat('"') {
            return self.quoted_name("metric").map(Cow::Owned);
        }
        self.legacy_metric_name().map(Cow::Borrowed)
    }

    fn legacy_metric_name(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => self.pos += 1,
            _ => {
                return Err(self.error(format!(
                    "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found {}",
                    self.found()
                )))
            }
        }
        while matches!(self.peek(), Some(c) if promenade_rules::names::is_metric_name_char(c)) {
            self.pos += 1;
        }
        Ok(&self.line[start..self.pos])
    }

    /// A label name, `[a-zA-Z_][a-zA-Z0-9_]*`, or (when names may be quoted) any
    /// non-empty quoted string.
    fn label_name(&mut self) -> Result<Cow<'a, str>, ParseError> {
        if self.utf8 && self.eat('"') {
            return self.quoted_name("label").map(Cow::Owned);
        }
        self.legacy_label_name().map(Cow::Borrowed)
    }

    fn legacy_label_name(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.pos += 1,
            _ => {
                return Err(self.error(format!(
                    "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found {}",
                    self.found()
                )))
            }
        }
        self.pos += self
            .rest()
            .bytes()
            .take_while(|b| promenade_rules::names::is_label_name_char(char::from(*b)))
            .count();
        Ok(&self.line[start..self.pos])
    }

    /// A label set starting at `{`. OpenMetrics allows no blanks inside the braces and no
    /// trailing comma; text 0.0.4 allows both, and keeps unknown escape sequences in
    /// values as written.
    pub(super) fn labels(
        &mut self,
        openmetrics: bool,
    ) -> Result<Vec<(String, String)>, ParseError> {
        self.labels_and_name(openmetrics, false)
            .map(|(_, labels)| labels)
    }

    /// A label set starting at `{` whose first item may be the metric name, quoted
    /// (`{"http.server.duration",code="200"}`), when names may be quoted and `name_inside`.
    pub(super) fn labels_and_name(
        &mut self,
        openmetrics: bool,
        name_inside: bool,
    ) -> Result<NameAndLabels, ParseError> {
        self.expect('{', "`{`")?;
        let mut metric_name = None;
        if self.utf8 && name_inside {
            if !openmetrics {
                self.skip_blanks();
            }
            let at = self.pos;
            if self.eat('"') {
                let name = self.quoted_name("metric")?;
                if !openmetrics {
                    self.skip_blanks();
                }
                if self.peek() == Some('=') {
                    // A quoted label name after all: read the set from its start.
                    self.pos = at;
                } else {
                    metric_name = Some(name);
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some('}') => {}
                        _ => {
                            return Err(self.error(format!(
                                "expected `,` or `}}` after the metric name, found {}",
                                self.found()
                            )))
                        }
                    }
                }
            }
        }
        let labels = self.label_pairs(openmetrics)?;
        Ok((metric_name, labels))
    }

    /// The pairs of a label set after its `{`, and the closing `}`.
    fn label_pairs(&mut self, openmetrics: bool) -> Result<Vec<(String, String)>, ParseError> {
        let mut labels: Vec<(String, String)> = Vec::new();
        let mut names = LabelNames::Few(Vec::new());
        let mut after_comma = false;
        loop {
            if !openmetrics {
                self.skip_blanks();
            }
            if self.peek() == Some('}') {
                if openmetrics && after_comma {
                    return Err(
                        self.error("a trailing comma before `}` is not allowed in OpenMetrics")
                    );
                }
                self.pos += 1;
                return Ok(labels);
            }
            let name_pos = self.pos;
            let name = self.label_name()?;
            if name == "__name__" || (openmetrics && name.starts_with("__")) {
                return Err(self.error_at(
                    name_pos,
                    format!("label name `{name}` is reserved (names starting with `__` belong to Prometheus)"),
                ));
            }
            if !names.insert(&name) {
                return Err(self.error_at(name_pos, format!("duplicate label `{name}`")));
            }
            if !openmetrics {
                self.skip_blanks();
            }
            if !self.eat('=') {
                return Err(self.error(format!(
                    "expected `=` after label name `{name}`, found {}",
                    self.found()
                )));
            }
            if !openmetrics {
                self.skip_blanks();
            }
            if !self.eat('"') {
                return Err(self.error(format!(
                    "expected `\"` to open the value of label `{name}`, found {}",
                    self.found()
                )));
            }
            let value = self.quoted_value(!openmetrics)?;
            labels.push((name.into_owned(), value));
            let name = &labels[labels.len() - 1].0;
            if !openmetrics {
                self.skip_blanks();
            }
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    after_comma = true;
                }
                Some('}') => {
                    self.pos += 1;
                    return Ok(labels);
                }
                _ => {
                    return Err(self.error(format!(
                        "expected `,` or `}}` after the value of label `{name}`, found {}",
                        self.found()
                    )))
                }
            }
        }
    }

    /// A label value after its opening quote, up to and including the closing quote.
    fn quoted_value(&mut self, keep_unknown: bool) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error(
                    "unterminated label value: expected a closing `\"` (a newline inside a value is written `\\n`)",
                ));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => self.escape(Escapes::Quoted, keep_unknown, &mut out)?,
                _ => {
                    // Everything up to the next quote or backslash, in one piece.
                    let rest = self.rest();
                    let len = rest.find(['"', '\\']).unwrap_or(rest.len());
                    out.push_str(&rest[..len]);
                    self.pos += len;
                }
            }
        }
    }

    /// The rest of the line as escaped text (a HELP docstring). `keep_unknown`: unknown
    /// escape sequences are kept as written instead of refused.
    pub(super) fn escaped_rest(
        &mut self,
        escapes: Escapes,
        keep_unknown: bool,
    ) -> Result<String, ParseError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.escape(escapes, keep_unknown, &mut out)?;
            } else {
                out.push(c);
                self.pos += c.len_utf8();
            }
        }
        Ok(out)
    }

    /// One escape sequence at a backslash. With `keep_unknown` (text 0.0.4) an unknown
    /// sequence is kept as it is written, as Prometheus does: `\t` stays `\t`.
    fn escape(
        &mut self,
        escapes: Escapes,
        keep_unknown: bool,
        out: &mut String,
    ) -> Result<(), ParseError> {
        let start = self.pos;
        self.pos += 1;
        let decoded = match self.peek() {
            Some('\\') => Some('\\'),
            Some('n') => Some('\n'),
            Some('"') if escapes == Escapes::Quoted => Some('"'),
            _ => None,
        };
        match decoded {
            Some(d) => {
                out.push(d);
                self.pos += 1;
                Ok(())
            }
            None if keep_unknown => {
                out.push('\\');
                Ok(())
            }
            None => {
                let allowed = match escapes {
                    Escapes::Help004 => "only `\\\\` and `\\n` are allowed in HELP text",
                    Escapes::Quoted => "only `\\\\`, `\\\"` and `\\n` are allowed",
                };
                Err(self.error_at(
                    start,
                    format!(
                        "invalid escape sequence `\\` followed by {}: {allowed}",
                        self.found()
                    ),
                ))
            }
        }
    }
}

/// Up to this many labels, a new name is compared with each earlier one; past it, they are
/// looked up in a set, so that a huge label set takes linear time.
const SCAN_LABELS: usize = 16;

/// The label names of one label set so far, for finding duplicates.
enum LabelNames<'a> {
    Few(Vec<Cow<'a, str>>),
    Many(HashSet<Cow<'a, str>>),
}

impl<'a> LabelNames<'a> {
    /// Adds `name`; false if it was already there.
    #[allow(clippy::ptr_arg)] // the Cow is kept, borrowed or owned as it came
    fn insert(&mut self, name: &Cow<'a, str>) -> bool {
        match self {
            LabelNames::Few(names) if names.contains(name) => false,
            LabelNames::Few(names) if names.len() < SCAN_LABELS => {
                names.push(name.clone());
                true
            }
            LabelNames::Few(names) => {
                let mut set: HashSet<Cow<'a, str>> = names.drain(..).collect();
                set.insert(name.clone());
                *self = LabelNames::Many(set);
                true
            }
            LabelNames::Many(set) => set.insert(name.clone()),
        }
    }
}

/// How an optional character reads in a message.
pub(super) fn describe(c: Option<char>) -> String {
    match c {
        None => "the end of the line".to_owned(),
        Some(' ') => "a space".to_owned(),
        Some('\t') => "a tab".to_owned(),
        Some(c) if c.is_control() => format!("`{}`", c.escape_debug()),
        Some(c) => format!("`{c}`"),
    }
}

/// A number as Go's `ParseFloat` reads it in these formats: decimal with an optional
/// fraction and exponent, or `NaN`, `Inf`, `Infinity` (any case, the infinities with an
/// optional sign). Hex floats, `_` separators and values out of `f64` range are refused.
pub(super) fn parse_float(s: &str) -> Result<f64, String> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        return Ok(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if unsigned.eq_ignore_ascii_case("nan") {
        if unsigned.len() != s.len() {
            return Err(format!("`{s}` is not a number: NaN has no sign"));
        }
        return Ok(f64::NAN);
    }
    if s.is_empty() {
        return Err("expected a number".to_owned());
    }
    if !is_decimal(unsigned) {
        return Err(format!(
            "`{}` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)",
            s.escape_debug()
        ));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_infinite() => Err(format!("`{s}` is out of the range of a 64-bit float")),
        Ok(v) => Ok(v),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

/// `digits [. digits] [e [+-] digits]` with at least one mantissa digit.
fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_follow_go_parse_float() {
        for (s, v) in [
            ("1", 1.0),
            ("-2.5", -2.5),
            ("+3", 3.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E-3", 0.001),
            ("1e-400", 0.0),
            ("+Inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("Infinity", f64::INFINITY),
        ] {
            assert_eq!(parse_float(s), Ok(v), "{s}");
        }
        assert!(parse_float("NaN").unwrap().is_nan());
        assert!(parse_float("nan").unwrap().is_nan());
        for bad in [
            "", "0x1p3", "0x10", "1_2", "1e400", "-1e400", "1e", "e1", ".", "+", "1.2.3", "+NaN",
            "0b1", "1 ", "--1", "Inff", "１",
        ] {
            assert!(parse_float(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_float("1e400").unwrap_err(),
            "`1e400` is out of the range of a 64-bit float"
        );
    }
}
