//! Encoding allocates nothing per series once the buffers have grown: encoding the same
//! registry a second time into the same buffer allocates a small number of times that
//! does not depend on how many series there are (1,000 or 10,000), in every format.

use std::sync::Arc;

use promenade::{Counter, Family, LabelSet, Registry};

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Route {
    #[label(limit = 10)]
    method: String,
    #[label(limit = 1000)]
    path: String,
}

fn registry(series: usize) -> Registry {
    let registry = Registry::new();
    let family: Arc<Family<Route, Counter>> = Arc::new(Family::new());
    for i in 0..series {
        family
            .labels(Route {
                method: format!("m{}", i % 10),
                path: format!("/items/{}", i / 10),
            })
            .inc();
    }
    registry
        .register_metric("http_requests", "Requests.", family)
        .unwrap();
    registry
}

/// Allocations made by the second of two encodes into the same buffer.
fn second_encode<B: Default>(registry: &Registry, encode: impl Fn(&Registry, &mut B)) -> u64 {
    let mut out = B::default();
    encode(registry, &mut out);
    allocation_counter::measure(|| encode(registry, &mut out)).count_total
}

fn check<B: Default>(format: &str, encode: impl Fn(&Registry, &mut B) + Copy) {
    let small = second_encode(&registry(1_000), encode);
    let large = second_encode(&registry(10_000), encode);
    assert_eq!(
        small, large,
        "{format}: allocations grow with the series count"
    );
    // The encoder's own buffers, the family's list of series, the collector list: a few
    // dozen at most, whatever the registry holds.
    assert!(large <= 32, "{format}: {large} allocations in steady state");
}

/// One test for the three formats: the counter sees every thread's allocations, so
/// nothing may run beside it.
#[test]
fn encoding_allocates_nothing_per_series() {
    check("text", |r, out: &mut String| {
        out.clear();
        promenade::encoding::text::encode(r, out);
    });
    check("openmetrics", |r, out: &mut String| {
        out.clear();
        promenade::encoding::openmetrics::encode(r, out);
    });
    check("protobuf", |r, out: &mut Vec<u8>| {
        out.clear();
        promenade::encoding::protobuf::encode(r, out);
    });
}
