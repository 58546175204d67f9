//! What a call returned, classified for the error counters and the outcome label:
//! [`Returned`], [`ErrorKind`], and the autoref-based dispatch ([`Probe`]) generated code
//! uses to tell a `Result` whose error is a [`LabelValue`] from any other value.

use std::any::{Any, TypeId};

use super::outcome::Outcome;
use crate::labels::LabelValue;

/// How a call failed, for the error counters.
pub enum ErrorKind<'a> {
    /// It panicked.
    Panic,
    /// It returned an `Err` whose type is not a [`LabelValue`].
    Error,
    /// It returned an `Err` whose value labels the count.
    Labelled(&'a dyn DynLabelValue),
}

/// An error value that is a [`LabelValue`], seen through a trait object.
pub trait DynLabelValue {
    /// The concrete type, to tell apart the value types a generic function may return.
    fn value_type(&self) -> TypeId;
    /// The type's cardinality.
    fn cardinality(&self) -> Option<usize>;
    /// The dense index of the value (finite types).
    fn value_index(&self) -> usize;
    /// The label value, unescaped.
    fn value_string(&self) -> String;
    /// The value itself, to recover its type (an [`ErrorKindLabels<E>`](super::ErrorKindLabels) family).
    fn as_any(&self) -> &dyn Any;
}

impl<V: LabelValue> DynLabelValue for V {
    fn value_type(&self) -> TypeId {
        TypeId::of::<V>()
    }
    fn cardinality(&self) -> Option<usize> {
        V::CARDINALITY
    }
    fn value_index(&self) -> usize {
        self.index()
    }
    fn value_string(&self) -> String {
        crate::labels::value_string(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a call returned, classified.
pub enum Returned<'a> {
    /// Not an error.
    Ok,
    /// A `Result::Err`.
    Err(ErrorKind<'a>),
}

impl Returned<'_> {
    /// The outcome label of this return.
    #[inline]
    pub fn outcome(&self) -> Outcome {
        match self {
            Returned::Ok => Outcome::Ok,
            Returned::Err(_) => Outcome::Error,
        }
    }

    /// This return, or `Ok` when `counts` is false (`only = [...]` did not list the error).
    #[inline]
    pub fn only_if(self, counts: bool) -> Self {
        if counts {
            self
        } else {
            Returned::Ok
        }
    }
}

/// The returned value, for autoref-based dispatch in generated code:
/// `(&&&Probe(&value)).promenade_classify()` picks the most specific of
/// [`ClassifyLabelled`] (a `Result` whose error is a [`LabelValue`]), [`ClassifyResult`]
/// (any `Result`) and [`ClassifyOther`] (anything else), without specialization.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// A `Result` whose error is a [`LabelValue`]: labelled by the error's value.
pub trait ClassifyLabelled<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

/// Any other `Result`: labelled `error`.
pub trait ClassifyResult<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

/// Anything else: never an error.
pub trait ClassifyOther<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

impl<'a, T, E: LabelValue> ClassifyLabelled<'a> for &&Probe<'a, Result<T, E>> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        match self.0 {
            Ok(_) => Returned::Ok,
            Err(e) => Returned::Err(ErrorKind::Labelled(e)),
        }
    }
}

impl<'a, T, E> ClassifyResult<'a> for &Probe<'a, Result<T, E>> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        match self.0 {
            Ok(_) => Returned::Ok,
            Err(_) => Returned::Err(ErrorKind::Error),
        }
    }
}

impl<'a, T: ?Sized> ClassifyOther<'a> for Probe<'a, T> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        Returned::Ok
    }
}
