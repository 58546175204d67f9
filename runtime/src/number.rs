//! How numbers are spelled in the text formats.

use std::fmt::Write;

use crate::registry::Number;

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
}
