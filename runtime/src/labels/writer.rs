use std::fmt;

/// Writes one label value, escaped for the Prometheus text formats.
///
/// Exactly `\` → `\\`, `"` → `\"` and newline → `\n` are escaped; every other character,
/// any unicode included, is written as it is. It implements [`fmt::Write`], so numbers can
/// be written with `write!`.
pub struct LabelValueWriter<'a> {
    out: &'a mut String,
}

impl<'a> LabelValueWriter<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        LabelValueWriter { out }
    }

    /// Appends `s`, escaped.
    pub fn write_str(&mut self, s: &str) {
        escape_label_value_into(self.out, s);
    }
}

impl fmt::Write for LabelValueWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        LabelValueWriter::write_str(self, s);
        Ok(())
    }
}

/// Appends `s` to `out`, escaping `\`, `"` and newline as the text formats require.
pub(crate) fn escape_label_value_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(pos) = rest.find(['\\', '"', '\n']) {
        out.push_str(&rest[..pos]);
        out.push_str(match rest.as_bytes()[pos] {
            b'\\' => "\\\\",
            b'"' => "\\\"",
            _ => "\\n",
        });
        rest = &rest[pos + 1..];
    }
    out.push_str(rest);
}

/// Writes a list of `name="value"` pairs separated by commas, without braces.
///
/// [`LabelSet::encode`](crate::LabelSet::encode) implementations call [`label`](Self::label)
/// once per label, in declaration order.
pub struct LabelWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> LabelWriter<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        let empty = true;
        LabelWriter { out, empty }
    }

    /// Writes one label. `name` must be a valid label name (the derives and the registry
    /// check this; it is not escaped).
    pub fn label<V: crate::LabelValue>(&mut self, name: &str, value: &V) {
        self.label_with(name, |w| value.encode(w));
    }

    /// Writes one label whose value is produced by `write`.
    pub fn label_with(&mut self, name: &str, write: impl FnOnce(&mut LabelValueWriter<'_>)) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push_str(name);
        self.out.push_str("=\"");
        write(&mut LabelValueWriter::new(self.out));
        self.out.push('"');
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// Validates label pairs given at run time (each name valid, none twice) and encodes them
/// as the exposition writes them (`a="1",b="2"`, without braces). Also returns how many
/// code points the names and values have together. `what` is the owner named in the
/// error for a repeated name (`an exemplar`, `an info metric`).
pub(crate) fn encode_label_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    what: &str,
) -> Result<(String, usize), crate::Error> {
    let mut encoded = String::new();
    let mut names: Vec<&str> = Vec::new();
    let mut code_points = 0;
    {
        let mut w = LabelWriter::new(&mut encoded);
        for (name, value) in pairs {
            crate::validate::label_name(name)?;
            if names.contains(&name) {
                return Err(crate::Error::InvalidLabelName {
                    name: name.to_owned(),
                    reason: format!("{what} cannot have the same label twice").into(),
                });
            }
            names.push(name);
            code_points += name.chars().count() + value.chars().count();
            w.label_with(name, |v| v.write_str(value));
        }
    }
    Ok((encoded, code_points))
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
    fn writes_pairs() {
        let mut s = String::new();
        let mut w = LabelWriter::new(&mut s);
        w.label("a", &"x");
        w.label("b", &String::from("y\"z"));
        assert!(!w.is_empty());
        assert_eq!(s, "a=\"x\",b=\"y\\\"z\"");
    }
}
