//! Numbers: [`Number`], a value as collected, and how the text formats spell numbers.
//! It depends on nothing else in the crate.

use std::fmt::Write;

/// A number as collected: integer counters stay integers in the exposition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An unsigned integer.
    Int(u64),
    /// A signed integer.
    SignedInt(i64),
    /// A float (may be NaN or infinite).
    Float(f64),
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number::Int(v)
    }
}

impl From<u32> for Number {
    fn from(v: u32) -> Self {
        Number::Int(u64::from(v))
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::SignedInt(v)
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number::SignedInt(i64::from(v))
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number::Float(v)
    }
}

impl Number {
    /// The value as an `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(v) => v as f64,
            Number::SignedInt(v) => v as f64,
            Number::Float(v) => v,
        }
    }
}

/// Appends `v` as the text formats spell it: `NaN`, `+Inf`, `-Inf`, otherwise the
/// shortest decimal that reads back to the same `f64` (`1.0`, `0.005`, `1e21`).
pub(crate) fn write_f64(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else {
        // `{:?}` is the shortest round-tripping form and switches to exponent notation
        // for very large and very small magnitudes; it always has a `.` or an `e`.
        let _ = write!(out, "{v:?}");
    }
}

/// Appends `v` in OpenMetrics' canonical spelling for `le` and `quantile` label values:
/// Go's `%g` with the shortest round-tripping digits, plus `.0` when that has neither a
/// `.` nor an exponent (`1.0`, `0.001`, `100000.0`, `1e+06`, `1e-05`, `+Inf`).
pub(crate) fn write_canonical_f64(out: &mut String, v: f64) {
    if !v.is_finite() {
        return write_f64(out, v);
    }
    // `{:e}` gives the shortest digits as `d.ddde[-]x`; written in place, so nothing is
    // allocated per bucket.
    let start = out.len();
    let _ = write!(out, "{v:e}");
    let e = out[start..].find('e').map_or(out.len(), |i| start + i);
    let exp: i32 = out.get(e + 1..).and_then(|x| x.parse().ok()).unwrap_or(0);
    if !(-4..6).contains(&exp) {
        out.truncate(e);
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    } else {
        out.truncate(start);
        let _ = write!(out, "{v}");
        if !out[start..].contains('.') {
            out.push_str(".0");
        }
    }
}

/// Appends a timestamp given in seconds as text 0.0.4 wants it: integer milliseconds.
pub(crate) fn write_millis(out: &mut String, seconds: f64) {
    let _ = write!(out, "{}", (seconds * 1000.0).round() as i64);
}

/// Appends any [`Number`].
pub(crate) fn write_number(out: &mut String, n: Number) {
    match n {
        Number::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Number::SignedInt(v) => {
            let _ = write!(out, "{v}");
        }
        Number::Float(v) => write_f64(out, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut s = String::new();
        write_f64(&mut s, v);
        s
    }

    #[test]
    fn spellings() {
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::INFINITY), "+Inf");
        assert_eq!(f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(0.005), "0.005");
        assert_eq!(f(-2.5), "-2.5");
        assert_eq!(f(1e300), "1e300");
        assert_eq!(f(1e-7), "1e-7");
        for v in [0.1, 1.0 / 3.0, 123456789.125, 5e-324, f64::MAX] {
            assert_eq!(f(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn canonical_openmetrics_spellings() {
        let c = |v: f64| {
            let mut s = String::new();
            write_canonical_f64(&mut s, v);
            s
        };
        let cases = [
            (0.0, "0.0"),
            (0.001, "0.001"),
            (0.01, "0.01"),
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1.7, "1.7"),
            (10.0, "10.0"),
            (100000.0, "100000.0"),
            (1e6, "1e+06"),
            (1e10, "1e+10"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123456789.0, "1.23456789e+08"),
            (-2.5, "-2.5"),
            (1e300, "1e+300"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (v, want) in cases {
            assert_eq!(c(v), want, "{v}");
            // Appended after what the buffer already holds.
            let mut s = String::from("le=");
            write_canonical_f64(&mut s, v);
            assert_eq!(s, format!("le={want}"));
        }
    }
}
