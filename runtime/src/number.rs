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
    } else if v == 0.0 || !(1e-4..1e16).contains(&v.abs()) {
        // `{:?}` is the shortest round-tripping form and switches to exponent notation
        // below 1e-4 and from 1e16 on; it always has a `.` or an `e`.
        let _ = write!(out, "{v:?}");
    } else {
        // Between those, ryu writes the same shortest digits the same way (`0.0001`,
        // `1.5`, `1764745416.123456`) several times faster: it matters for `_created`,
        // one such float per series (`number::tests::ryu_matches_debug`). The one
        // difference is a value exactly halfway between two shortest candidates: ryu
        // rounds it to even, `{:?}` up; such a value is left to `{:?}`.
        let mut buf = ryu::Buffer::new();
        let s = buf.format_finite(v);
        if is_halfway_above(v, s) {
            let _ = write!(out, "{v:?}");
        } else {
            out.push_str(s);
        }
    }
}

/// Whether finite, non-zero `v` is exactly `digits` plus half a unit of their last place
/// (`digits` is `v` in plain decimal notation, `-?\d+\.\d+`). Conservative: `true` when
/// it cannot tell.
fn is_halfway_above(v: f64, digits: &str) -> bool {
    let digits = digits.trim_start_matches('-');
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = if frac == "0" { "" } else { frac };
    // v = m · 2^-k with m odd.
    let bits = v.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mut m = bits & ((1 << 52) - 1);
    let mut e = if biased == 0 {
        -1074
    } else {
        m |= 1 << 52;
        biased - 1075
    };
    let zeros = m.trailing_zeros();
    m >>= zeros;
    e += zeros as i32;
    if e >= 0 {
        // An integer: its digits are exact (below 1e16 every integer digit is needed).
        return false;
    }
    let k = e.unsigned_abs();
    // The candidate has q = frac.len() + 1 decimal places; an m · 2^-k with k > q has
    // more than q of them, so it cannot be the candidate.
    let q = frac.len() as u32 + 1;
    if k > q {
        return false;
    }
    let mut n: u128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        n = n * 10 + u128::from(b - b'0');
    }
    n = n * 10 + 5;
    // v == n / 10^q  ⇔  n · 2^k == m · 10^q.
    let lhs = n.checked_mul(1u128 << k);
    let rhs = 10u128
        .checked_pow(q)
        .and_then(|p| p.checked_mul(u128::from(m)));
    match (lhs, rhs) {
        (Some(l), Some(r)) => l == r,
        _ => true,
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
    out.push_str(itoa::Buffer::new().format((seconds * 1000.0).round() as i64));
}

/// Appends any [`Number`]. Integers go through `itoa` rather than `fmt`: one per series.
#[inline]
pub(crate) fn write_number(out: &mut String, n: Number) {
    match n {
        Number::Int(v) => out.push_str(itoa::Buffer::new().format(v)),
        Number::SignedInt(v) => out.push_str(itoa::Buffer::new().format(v)),
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

    /// The ryu path of `write_f64` spells every value as `{:?}` does.
    #[test]
    fn ryu_matches_debug() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let check = |v: f64| {
            if v.is_finite() {
                assert_eq!(f(v), format!("{v:?}"), "{:e}", v);
            }
        };
        for v in [
            1e-4,
            9.999e-5,
            1e16,
            9_999_999_999_999_998.0,
            0.5,
            1.0,
            100.0,
            // A tie: ryu rounds it to even, `{:?}` up.
            1_394_865_425_023_536.2,
            0.125,
            2.5,
        ] {
            check(v);
            check(-v);
        }
        for _ in 0..200_000 {
            let bits = next();
            // Random bit patterns, and values in the ryu range: timestamps with
            // sub-second parts, small integers, fractions.
            check(f64::from_bits(bits));
            check(1.7e9 + (bits % 1_000_000_000) as f64 / 1e9);
            check((bits % 100_000) as f64);
            check((bits % 1_000_000) as f64 * 1e-6);
            check(f64::from_bits(bits) % 1e17);
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
