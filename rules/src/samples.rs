//! The sample-name clash rule: a family of type `T` named `N` exposes the sample names
//! `N` + each of [`T.sample_suffixes()`](MetricType::sample_suffixes), and two families
//! clash when one of those names is the same (OpenMetrics: a gauge `a_created` and a
//! counter `a` cannot both be exposed). Family names are as exposed: a counter's `_total`
//! and an info metric's `_info` are not part of them ([`family_name`]).
//!
//! [`families_clash`] compares two families (const, for the derive's compile-time check);
//! [`owners`] lists the families that could expose a given sample name, so the registry
//! and its checking sink look each sample name up among the families already taken.

use crate::MetricType;

/// The name a family of type `ty` given as `name` is exposed under: without a counter's
/// `_total` or an info metric's `_info` (the encoders add them to the samples).
///
/// ```
/// use promenade_rules::{samples::family_name, MetricType};
/// assert_eq!(family_name(MetricType::Counter, "jobs_total"), "jobs");
/// assert_eq!(family_name(MetricType::Info, "build_info"), "build");
/// assert_eq!(family_name(MetricType::Gauge, "jobs_total"), "jobs_total");
/// ```
pub const fn family_name(ty: MetricType, name: &str) -> &str {
    let Some(suffix) = ty.name_suffix() else {
        return name;
    };
    let (bytes, suffix) = (name.as_bytes(), suffix.as_bytes());
    if bytes.len() < suffix.len() {
        return name;
    }
    let (base, tail) = bytes.split_at(bytes.len() - suffix.len());
    let mut i = 0;
    while i < suffix.len() {
        if tail[i] != suffix[i] {
            return name;
        }
        i += 1;
    }
    match core::str::from_utf8(base) {
        Ok(base) => base,
        Err(_) => name,
    }
}

/// Whether `a ++ a_suffix == b ++ b_suffix`, without building either string.
const fn concat_eq(a: &str, a_suffix: &str, b: &str, b_suffix: &str) -> bool {
    let (a, sa, b, sb) = (
        a.as_bytes(),
        a_suffix.as_bytes(),
        b.as_bytes(),
        b_suffix.as_bytes(),
    );
    if a.len() + sa.len() != b.len() + sb.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() + sa.len() {
        let x = if i < a.len() { a[i] } else { sa[i - a.len()] };
        let y = if i < b.len() { b[i] } else { sb[i - b.len()] };
        if x != y {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether two families, named as exposed (see [`family_name`]), would expose a common
/// sample name: a counter `x` (`x_total`) and a gauge `x_total` do.
///
/// ```
/// use promenade_rules::{samples::families_clash, MetricType::*};
/// assert!(families_clash("x", Counter, "x_total", Gauge));
/// assert!(families_clash("wait", GaugeHistogram, "wait_gsum", Gauge));
/// assert!(!families_clash("x", Gauge, "x_total", Gauge));
/// ```
pub const fn families_clash(a: &str, a_ty: MetricType, b: &str, b_ty: MetricType) -> bool {
    let (sa, sb) = (a_ty.sample_suffixes(), b_ty.sample_suffixes());
    let mut i = 0;
    while i < sa.len() {
        let mut j = 0;
        while j < sb.len() {
            if concat_eq(a, sa[i], b, sb[j]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

/// Whether two names, as given (before [`family_name`]), could clash for some pair of
/// types: a filter before a check that knows the types.
pub const fn may_clash(a: &str, b: &str) -> bool {
    let mut i = 0;
    while i < MetricType::ALL.len() {
        let mut j = 0;
        while j < MetricType::ALL.len() {
            let (ta, tb) = (MetricType::ALL[i], MetricType::ALL[j]);
            if families_clash(family_name(ta, a), ta, family_name(tb, b), tb) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

/// Whether `suffix` (`_total`, `_bucket`, …) is one a sample of some type carries.
pub fn is_sample_suffix(suffix: &str) -> bool {
    !suffix.is_empty()
        && MetricType::ALL
            .iter()
            .any(|t| t.sample_suffixes().contains(&suffix))
}

/// Whether a scrape shows the sample name `sample` of a family `family` of type `ty`:
/// every one but the bare family name of a type whose samples all carry a suffix. A
/// message about a clash names a sample both families show, if there is one.
pub fn is_shown(sample: &str, family: &str, ty: MetricType) -> bool {
    sample != family || ty.shows_family_name()
}

/// Every family (name as exposed, type) that would expose the sample name `sample`.
///
/// ```
/// use promenade_rules::{samples::owners, MetricType};
/// let o: Vec<_> = owners("jobs_total").collect();
/// assert!(o.contains(&("jobs", MetricType::Counter)));
/// assert!(o.contains(&("jobs_total", MetricType::Gauge)));
/// ```
pub fn owners(sample: &str) -> impl Iterator<Item = (&str, MetricType)> {
    MetricType::ALL.into_iter().flat_map(move |ty| {
        ty.sample_suffixes()
            .iter()
            .filter_map(move |suffix| sample.strip_suffix(suffix).map(|base| (base, ty)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MetricType::*;

    #[test]
    fn clashes_follow_sample_names() {
        assert!(families_clash("x", Counter, "x_total", Gauge));
        assert!(families_clash("x_total", Counter, "x", Counter));
        assert!(families_clash("x", Histogram, "x_count", Gauge));
        assert!(families_clash(
            family_name(Info, "x_info"),
            Info,
            "x",
            Gauge
        ));
        assert!(!families_clash("x", Gauge, "x_total", Gauge));
        assert!(!families_clash("x", Histogram, "x_total", Gauge));
        assert!(may_clash("x", "x_gcount"));
        assert!(
            is_sample_suffix("_gsum") && !is_sample_suffix("") && !is_sample_suffix("_seconds")
        );
        assert!(!may_clash("x", "y"));
    }

    #[test]
    fn owners_agree_with_the_pairwise_rule() {
        for (a, b) in [
            ("x", "x_total"),
            ("x", "x_gsum"),
            ("x_info", "x"),
            ("a", "b"),
        ] {
            for ta in MetricType::ALL {
                for tb in MetricType::ALL {
                    let fa = family_name(ta, a);
                    let by_owners = tb.sample_suffixes().iter().any(|s| {
                        let mut sample = std::string::String::from(family_name(tb, b));
                        sample.push_str(s);
                        let found = owners(&sample).any(|(base, t)| base == fa && t == ta);
                        found
                    });
                    let fb = family_name(tb, b);
                    assert_eq!(
                        by_owners,
                        families_clash(fa, ta, fb, tb),
                        "{a} {ta} {b} {tb}"
                    );
                }
            }
        }
    }
}
