//! `#[timed]` keeps visibility, generics, where clauses, attributes, doc comments,
//! `impl Trait` returns, receivers and async-ness.
#![deny(missing_docs, unused_qualifications)]

/// A documented public function.
#[promenade::timed]
#[inline]
#[must_use]
pub fn documented<'a, T: AsRef<str> + ?Sized>(t: &'a T) -> &'a str
where
    T: std::fmt::Debug,
{
    t.as_ref()
}

/// Returns an iterator.
#[promenade::timed]
pub fn evens(n: u32) -> impl Iterator<Item = u32> {
    (0..n).filter(|x| x % 2 == 0)
}

/// A service.
pub struct Service;

impl Service {
    /// By reference.
    #[promenade::timed]
    pub fn by_ref(&self) -> u8 {
        1
    }

    /// By mutable reference.
    #[promenade::timed]
    pub fn by_mut(&mut self) -> u8 {
        2
    }

    /// By value.
    #[promenade::timed]
    pub async fn by_value(self) -> u8 {
        3
    }

    /// Associated function with its own histogram.
    #[promenade::timed(name = "service_build_seconds", buckets = [0.001, 0.01])]
    pub(crate) fn build() -> Self {
        Service
    }
}

/// A trait with a default method.
pub trait Handler {
    /// Handles.
    #[promenade::timed]
    fn handle(&self) -> u8 {
        4
    }
}

impl Handler for Service {}

fn main() {
    assert_eq!(documented("x"), "x");
    assert_eq!(evens(5).count(), 3);
    let mut s = Service::build();
    assert_eq!(s.by_ref() + s.by_mut() + s.handle(), 7);
    let _future = s.by_value();
}
