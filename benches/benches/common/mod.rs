//! What every bench shares: the criterion settings, the pre-generated inputs, and the
//! label set `method × status` (3 × 6 = 18 series) used by the labelled benches.
//!
//! Every library is fed the same sequence: it is generated once from a fixed seed and each
//! library gets it in its native form, converted before the measurement starts, so no
//! library pays for a conversion the others skip.

// Each bench target compiles this module and uses only part of it.
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;

/// How many inputs are pre-generated and cycled through (a power of two, so the cycle is a
/// mask, not a division).
pub const SEQUENCE_LEN: usize = 1024;
const MASK: usize = SEQUENCE_LEN - 1;

/// Short but stable settings: 12 benches × (1 s warm-up + 4 s measurement + analysis)
/// keeps `cargo bench -p promenade-benches` near one minute and a half on two cores.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(100)
        .noise_threshold(0.03)
        .configure_from_args()
}

/// A cycling cursor over a pre-generated sequence.
pub struct Cycle<'a, T> {
    items: &'a [T; SEQUENCE_LEN],
    next: usize,
}

impl<'a, T: Copy> Cycle<'a, T> {
    pub fn new(items: &'a [T; SEQUENCE_LEN]) -> Self {
        Cycle { items, next: 0 }
    }

    /// The next item; the index is masked, so there is no bounds check and no branch.
    #[inline(always)]
    pub fn next_item(&mut self) -> T {
        let item = self.items[self.next & MASK];
        self.next = self.next.wrapping_add(1);
        item
    }
}

/// xorshift64*: deterministic, so every run and every library sees the same inputs.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        Rng(0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn sequence<T: Copy + Default>(mut f: impl FnMut(&mut Rng) -> T) -> Box<[T; SEQUENCE_LEN]> {
    let mut rng = Rng::new();
    let mut items = Box::new([T::default(); SEQUENCE_LEN]);
    for item in items.iter_mut() {
        *item = f(&mut rng);
    }
    items
}

/// Histogram inputs: log-uniform between 1 ms and 20 s, so every default bucket (0.005 …
/// 10, then +Inf) gets some.
pub fn observations() -> Box<[f64; SEQUENCE_LEN]> {
    let (lo, hi) = (1e-3f64.ln(), 20f64.ln());
    sequence(|rng| (lo + (hi - lo) * rng.next_f64()).exp())
}

/// The labelled-counter inputs: 1024 `(method, status)` pairs, uniform over the 18.
pub fn requests() -> Box<[Request; SEQUENCE_LEN]> {
    sequence(|rng| {
        let n = rng.next_u64();
        Request {
            method: Method::ALL[(n % 3) as usize],
            status: Status::ALL[((n >> 8) % 6) as usize],
        }
    })
}

/// The same pairs as `&str`s, for `prometheus`' `with_label_values`.
pub fn request_strs() -> Box<[[&'static str; 2]; SEQUENCE_LEN]> {
    let requests = requests();
    let mut strs = Box::new([["", ""]; SEQUENCE_LEN]);
    for (s, r) in strs.iter_mut().zip(requests.iter()) {
        *s = [r.method.as_str(), r.status.as_str()];
    }
    strs
}

/// The same pairs as indices `0..18` into an array of atomics, for the floor.
pub fn request_indices() -> Box<[u8; SEQUENCE_LEN]> {
    let requests = requests();
    let mut indices = Box::new([0u8; SEQUENCE_LEN]);
    for (i, r) in indices.iter_mut().zip(requests.iter()) {
        *i = (r.method as u8) * 6 + r.status as u8;
    }
    indices
}

// The label types: promenade's derives and `prometheus-client`'s (`EncodeLabelSet`,
// `EncodeLabelValue`) on the same types, so both families are keyed by the same values.

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    promenade::LabelValue,
    prometheus_client::encoding::EncodeLabelValue,
)]
pub enum Method {
    #[default]
    Get,
    Post,
    Put,
}

impl Method {
    const ALL: [Method; 3] = [Method::Get, Method::Post, Method::Put];

    /// The value promenade exposes (snake_case), for `prometheus`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
        }
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    promenade::LabelValue,
    prometheus_client::encoding::EncodeLabelValue,
)]
pub enum Status {
    #[default]
    #[label(rename = "200")]
    Ok,
    #[label(rename = "201")]
    Created,
    #[label(rename = "304")]
    NotModified,
    #[label(rename = "400")]
    BadRequest,
    #[label(rename = "404")]
    NotFound,
    #[label(rename = "500")]
    Internal,
}

impl Status {
    const ALL: [Status; 6] = [
        Status::Ok,
        Status::Created,
        Status::NotModified,
        Status::BadRequest,
        Status::NotFound,
        Status::Internal,
    ];

    /// The value promenade exposes, for `prometheus`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "200",
            Status::Created => "201",
            Status::NotModified => "304",
            Status::BadRequest => "400",
            Status::NotFound => "404",
            Status::Internal => "500",
        }
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    promenade::LabelSet,
    prometheus_client::encoding::EncodeLabelSet,
)]
pub struct Request {
    pub method: Method,
    pub status: Status,
}
