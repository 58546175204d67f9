use std::borrow::Cow;
use std::fmt::Write as _;
use std::hash::Hash;
use std::sync::Arc;

use super::LabelValueWriter;

/// The value of one label.
///
/// `CARDINALITY` is the number of values the type can take, or `None` when it is open
/// (strings, most integers). Finite types also map each value to a dense index in
/// `0..CARDINALITY` and back, which is what lets a [`Family`](crate::Family) keep its
/// series in an array.
///
/// Derive it on fieldless enums with `#[derive(LabelValue)]`: each variant becomes a value
/// (snake_case by default, `#[label(rename = "...")]` and `#[label(rename_all = "...")]` to
/// change it), and the cardinality is the number of variants. Derive it on a newtype to
/// take its field's values, or on a newtype over an integer with
/// `#[label(range = MIN..=MAX)]` for a dense range.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a label value",
    label = "not a `LabelValue`",
    note = "derive it on a fieldless enum or a newtype with `#[derive(promenade::LabelValue)]`, or use `String`/`&'static str` with `#[label(limit = N)]` in the label set"
)]
pub trait LabelValue: Clone + Eq + Hash + Send + Sync + 'static {
    /// How many values this type can take; `None` when unbounded.
    const CARDINALITY: Option<usize>;

    /// The dense index of this value, in `0..CARDINALITY`. Only meaningful when
    /// `CARDINALITY` is `Some`; open types return 0.
    fn index(&self) -> usize;

    /// The value at `index`, for `index < CARDINALITY`; `None` otherwise and for open types.
    fn from_index(index: usize) -> Option<Self>;

    /// Writes the value as plain text (each encoder escapes it by its own format's rules).
    fn encode(&self, out: &mut LabelValueWriter<'_>);

    /// The value when it is one borrowed string (every string type, every derived enum's
    /// variant): encoders then read it as it is, without [`encode`](Self::encode)
    /// formatting it into a buffer. `None` (the default) for values that need formatting,
    /// such as numbers. When it is `Some`, it must be what `encode` writes.
    #[inline]
    fn as_str(&self) -> Option<&str> {
        None
    }
}

macro_rules! open_str_label {
    ($($ty:ty),*) => {$(
        impl LabelValue for $ty {
            const CARDINALITY: Option<usize> = None;
            fn index(&self) -> usize { 0 }
            fn from_index(_: usize) -> Option<Self> { None }
            fn encode(&self, out: &mut LabelValueWriter<'_>) { out.write_str(self) }
            #[inline]
            fn as_str(&self) -> Option<&str> { Some(std::borrow::Borrow::<str>::borrow(self)) }
        }
    )*};
}
open_str_label!(String, &'static str, Cow<'static, str>, Arc<str>);

macro_rules! open_int_label {
    ($($ty:ty),*) => {$(
        impl LabelValue for $ty {
            const CARDINALITY: Option<usize> = None;
            fn index(&self) -> usize { 0 }
            fn from_index(_: usize) -> Option<Self> { None }
            fn encode(&self, out: &mut LabelValueWriter<'_>) {
                // Writing an integer into a String cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
open_int_label!(u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl LabelValue for bool {
    const CARDINALITY: Option<usize> = Some(2);
    fn index(&self) -> usize {
        usize::from(*self)
    }
    fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn encode(&self, out: &mut LabelValueWriter<'_>) {
        out.write_str(if *self { "true" } else { "false" });
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        Some(if *self { "true" } else { "false" })
    }
}

impl LabelValue for u8 {
    const CARDINALITY: Option<usize> = Some(256);
    fn index(&self) -> usize {
        usize::from(*self)
    }
    fn from_index(index: usize) -> Option<Self> {
        u8::try_from(index).ok()
    }
    fn encode(&self, out: &mut LabelValueWriter<'_>) {
        let _ = write!(out, "{self}");
    }
}

/// A value outside the range a `#[derive(LabelValue)] #[label(range = ...)]` newtype
/// declares: what its generated `TryFrom` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The value that was refused.
    pub value: i128,
    /// The smallest value of the range.
    pub min: i128,
    /// The largest value of the range (inclusive).
    pub max: i128,
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "label value {} is outside its declared range {}..={}",
            self.value, self.min, self.max
        )
    }
}

impl std::error::Error for OutOfRange {}
