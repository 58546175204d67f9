//! How label sets hand their labels to whoever reads them: as `(name, value)` pairs of
//! plain, unescaped text. Each encoder escapes by its own format's rules; nothing is
//! escaped here, so nothing has to be parsed back.

use std::fmt;

/// Receives the labels of one series as `(name, value)` pairs, unescaped, in the order
/// the label set writes them.
///
/// The encoders implement it (each escapes by its own format's rules), as do the
/// registry's readers ([`Registry::gather`](crate::Registry::gather)) and the checking
/// adapters. Implement it to read a label set yourself, or use [`pairs`].
pub trait LabelVisitor {
    /// One label. `name` was validated where the label set was declared or built.
    fn label(&mut self, name: &str, value: &str);
}

impl<F: FnMut(&str, &str)> LabelVisitor for F {
    fn label(&mut self, name: &str, value: &str) {
        self(name, value)
    }
}

/// Collects one label value as [`LabelValue::encode`](crate::LabelValue::encode) writes
/// it: plain text, appended piece by piece (it implements [`fmt::Write`], so numbers can
/// be written with `write!`). Nothing is escaped; the encoders do that.
pub struct LabelValueWriter<'a> {
    out: &'a mut String,
}

impl<'a> LabelValueWriter<'a> {
    /// A writer appending the value to `out`.
    pub fn new(out: &'a mut String) -> Self {
        LabelValueWriter { out }
    }

    /// Appends `s` to the value.
    pub fn write_str(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// What the buffer holds (the value so far, after whatever it held before).
    pub(crate) fn buffer(&self) -> &str {
        self.out
    }
}

impl fmt::Write for LabelValueWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        LabelValueWriter::write_str(self, s);
        Ok(())
    }
}

/// Hands the labels of a label set to a [`LabelVisitor`], one `(name, value)` pair at a
/// time.
///
/// [`LabelSet::encode`](crate::LabelSet::encode) implementations call
/// [`label`](Self::label) once per label, in declaration order. A value that is one
/// borrowed string ([`LabelValue::as_str`](crate::LabelValue::as_str): every string type,
/// every derived enum) reaches the visitor as it is; any other is written into a buffer
/// the caller lends, which is reused from series to series.
///
/// ```
/// use promenade::labels::{LabelVisitor, LabelWriter};
///
/// let mut seen = Vec::new();
/// let mut visitor = |name: &str, value: &str| seen.push(format!("{name}={value}"));
/// let mut buf = String::new();
/// let mut w = LabelWriter::new(&mut visitor, &mut buf);
/// w.label("method", &"get");
/// w.label("code", &404u16);
/// w.label("path", &String::from("/a\"b"));
/// assert_eq!(seen, ["method=get", "code=404", "path=/a\"b"]);
/// ```
pub struct LabelWriter<'a> {
    visitor: &'a mut dyn LabelVisitor,
    buf: &'a mut String,
    empty: bool,
}

impl<'a> LabelWriter<'a> {
    /// A writer handing labels to `visitor`; values that need formatting are written into
    /// `buf` first.
    pub fn new(visitor: &'a mut dyn LabelVisitor, buf: &'a mut String) -> Self {
        LabelWriter {
            visitor,
            buf,
            empty: true,
        }
    }

    /// One label. `name` must be a valid label name (the derives and the registry check
    /// this).
    #[inline]
    pub fn label<V: crate::LabelValue>(&mut self, name: &str, value: &V) {
        self.empty = false;
        match value.as_str() {
            Some(s) => self.visitor.label(name, s),
            None => {
                self.buf.clear();
                value.encode(&mut LabelValueWriter::new(self.buf));
                self.visitor.label(name, self.buf);
            }
        }
    }

    /// One label whose value is already a string.
    #[inline]
    pub fn label_str(&mut self, name: &str, value: &str) {
        self.empty = false;
        self.visitor.label(name, value);
    }

    /// One label whose value is produced by `write`.
    pub fn label_with(&mut self, name: &str, write: impl FnOnce(&mut LabelValueWriter<'_>)) {
        self.empty = false;
        self.buf.clear();
        write(&mut LabelValueWriter::new(self.buf));
        self.visitor.label(name, self.buf);
    }

    /// One label of a derived label set: the value's borrowed string if it has one,
    /// else what `write` writes. What `#[derive(LabelSet)]` generates.
    #[doc(hidden)]
    #[inline]
    pub fn label_of(
        &mut self,
        name: &str,
        borrowed: Option<&str>,
        write: impl FnOnce(&mut LabelValueWriter<'_>),
    ) {
        match borrowed {
            Some(s) => self.label_str(name, s),
            None => self.label_with(name, write),
        }
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// The labels of `labels` as owned `(name, value)` pairs, unescaped, in order.
///
/// ```
/// use promenade::labels::pairs;
/// use promenade::LabelSet;
///
/// #[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
/// struct Route {
///     #[label(limit = 10)]
///     path: String,
///     cached: bool,
/// }
/// let route = Route { path: "/a\"b".into(), cached: true };
/// assert_eq!(pairs(&route), [("path".into(), "/a\"b".into()), ("cached".into(), "true".into())]);
/// ```
pub fn pairs(labels: &dyn super::EncodeLabels) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut visitor = |name: &str, value: &str| out.push((name.to_owned(), value.to_owned()));
    labels.encode_labels(&mut LabelWriter::new(&mut visitor, &mut String::new()));
    out
}

/// The text of one label value, as the label set hands it to encoders (unescaped).
///
/// ```
/// use promenade::labels::value_string;
/// assert_eq!(value_string(&42u32), "42");
/// assert_eq!(value_string(&true), "true");
/// ```
pub fn value_string<V: crate::LabelValue>(value: &V) -> String {
    match value.as_str() {
        Some(s) => s.to_owned(),
        None => {
            let mut s = String::new();
            value.encode(&mut LabelValueWriter::new(&mut s));
            s
        }
    }
}

/// Appends `s` to `out`, escaping `\`, `"` and newline as the text formats require of
/// label values.
pub(crate) fn escape_label_value_into(out: &mut String, s: &str) {
    // Scan bytes and copy the runs between escapes: the three are ASCII, so every index
    // found is a char boundary, and most values have none at all.
    let bytes = s.as_bytes();
    // No early exit: the check compiles to a few vector compares.
    let special = |b: &u8| matches!(*b, b'\\' | b'"' | b'\n');
    if !bytes.iter().fold(false, |any, b| any | special(b)) {
        out.push_str(s);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            b'\\' => "\\\\",
            b'"' => "\\\"",
            b'\n' => "\\n",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Label pairs given at run time, validated (each name valid, none twice) and kept as
/// values. `what` is the owner named in the error for a repeated name (`an exemplar`,
/// `an info metric`). Also returns how many code points the names and values have
/// together. `utf8`: names follow the UTF-8 rules, else the legacy ones.
pub(crate) fn validated_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    what: &str,
    utf8: bool,
) -> Result<(Vec<(String, String)>, usize), crate::Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut code_points = 0;
    for (name, value) in pairs {
        if utf8 {
            crate::validate::utf8_label_name(name)?;
        } else {
            crate::validate::label_name(name)?;
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(crate::Error::InvalidLabelName {
                name: name.to_owned(),
                reason: format!("{what} cannot have the same label twice").into(),
            });
        }
        if value.contains('\0') {
            return Err(crate::Error::InvalidValue(
                format!(
                    "the value of label `{name}` of {what} contains a NUL character, which no \
                     exposition format can carry (Prometheus would refuse the whole scrape)"
                )
                .into(),
            ));
        }
        code_points += name.chars().count() + value.chars().count();
        out.push((name.to_owned(), value.to_owned()));
    }
    Ok((out, code_points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_exactly_backslash_quote_newline() {
        let mut s = String::new();
        escape_label_value_into(&mut s, "a\\b\"c\nd#}{é\t\r");
        assert_eq!(s, "a\\\\b\\\"c\\nd#}{é\t\r");
    }

    #[test]
    fn values_reach_the_visitor_unescaped() {
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut v = |n: &str, x: &str| seen.push((n.into(), x.into()));
        let mut buf = String::new();
        let mut w = LabelWriter::new(&mut v, &mut buf);
        assert!(w.is_empty());
        w.label("a", &"x");
        w.label("b", &String::from("y\"z\n"));
        w.label("c", &-7i64);
        w.label_with("d", |w| w.write_str("p\\q"));
        assert!(!w.is_empty());
        let want: Vec<(String, String)> = [("a", "x"), ("b", "y\"z\n"), ("c", "-7"), ("d", "p\\q")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(seen, want);
    }
}
