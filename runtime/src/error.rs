//! The error type of everything that validates user input at run time.

use std::borrow::Cow;
use std::fmt;

use promenade_rules::names::InvalidName;

/// What went wrong when promenade was given a name, a bucket list, a value or a
/// registration it cannot accept.
///
/// Every message says what is wrong and, where there is one, how to fix it. Nothing in
/// promenade panics on user data; it returns one of these instead.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A metric name does not match `[a-zA-Z_:][a-zA-Z0-9_:]*` or is otherwise unusable.
    InvalidMetricName {
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: Cow<'static, str>,
    },
    /// A label name does not match `[a-zA-Z_][a-zA-Z0-9_]*`, starts with `__`, or is reserved.
    InvalidLabelName {
        /// The rejected label name.
        name: String,
        /// Why it was rejected.
        reason: Cow<'static, str>,
    },
    /// A histogram bucket list is empty, unsorted, or holds a non-finite bound.
    InvalidBuckets(Cow<'static, str>),
    /// A value that the metric cannot take (a negative or NaN counter increment).
    InvalidValue(Cow<'static, str>),
    /// Two registered collectors would expose the same sample name.
    DuplicateMetric {
        /// The sample name both would expose (for example `jobs_total`).
        sample: String,
        /// Where the metric that was already registered is defined.
        existing: String,
        /// Where the metric being registered is defined.
        new: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Worded by the shared rules, as the macros word them at compile time.
            Error::InvalidMetricName { name, reason } => InvalidName::metric(name, reason).fmt(f),
            Error::InvalidLabelName { name, reason } => InvalidName::label(name, reason).fmt(f),
            Error::InvalidBuckets(reason) => {
                write!(f, "{}: {reason}", promenade_rules::buckets::INVALID)
            }
            Error::InvalidValue(reason) => write!(f, "invalid value: {reason}"),
            Error::DuplicateMetric {
                sample,
                existing,
                new,
            } => write!(
                f,
                "duplicate metric: `{sample}` is exposed both by {existing} and by {new}; \
                 rename one of them or register them in different registries"
            ),
        }
    }
}

impl std::error::Error for Error {}
