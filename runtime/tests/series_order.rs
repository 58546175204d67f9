//! A family exposes its series in a documented, stable order: open families in the order
//! their label sets were first seen (then the overflow series), finite ones in index
//! order. So two scrapes diff line by line and golden tests of expositions hold.

use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::{Counter, Family, LabelSet, Registry};

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(limit = 1000)]
    host: String,
}

fn peer(h: &str) -> Peer {
    Peer { host: h.to_owned() }
}

/// The hosts of `peers_total`'s series, in exposition order.
fn hosts(registry: &Registry) -> Vec<String> {
    let mut out = String::new();
    text::encode(registry, &mut out);
    out.lines()
        .filter_map(|l| l.strip_prefix("peers_total{host=\""))
        .map(|l| l.split('"').next().unwrap().to_owned())
        .collect()
}

/// A fixed shuffle of `n` names (a linear congruential walk, so the test is the same on
/// every run), far from sorted and from any hash order by chance.
fn shuffled(n: usize) -> Vec<String> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut names: Vec<String> = (0..n).map(|i| format!("host-{i:03}")).collect();
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        names.swap(i, (state >> 33) as usize % (i + 1));
    }
    names
}

#[test]
fn open_series_are_exposed_in_insertion_order_stable_across_scrapes() {
    let registry = Registry::new();
    let peers: Arc<Family<Peer, Counter>> = Arc::new(Family::new());
    registry
        .register_metric("peers", "Peers.", peers.clone())
        .unwrap();
    let order = shuffled(200);
    for h in &order {
        peers.labels(peer(h)).inc();
    }
    // Hits do not move a series.
    for h in order.iter().rev() {
        peers.labels(peer(h)).inc();
    }
    assert_eq!(hosts(&registry), order);
    assert_eq!(hosts(&registry), order, "the second scrape differs");

    // OpenMetrics writes the same order.
    let mut om = String::new();
    openmetrics::encode(&registry, &mut om);
    let om_hosts: Vec<&str> = om
        .lines()
        .filter_map(|l| l.strip_prefix("peers_total{host=\""))
        .map(|l| l.split('"').next().unwrap())
        .collect();
    assert_eq!(om_hosts, order);

    // `for_each` and `gather` too.
    let mut seen = Vec::new();
    peers.for_each(|l, _| seen.push(promenade::labels::pairs(l)[0].1.clone()));
    assert_eq!(seen, order);
    let gathered: Vec<String> = registry.gather()[0]
        .samples
        .iter()
        .filter(|s| s.name == "peers_total")
        .map(|s| s.labels[0].1.clone())
        .collect();
    assert_eq!(gathered, order);
}

#[test]
fn removing_series_keeps_the_order_of_the_rest() {
    let registry = Registry::new();
    let peers: Arc<Family<Peer, Counter>> = Arc::new(Family::new());
    registry
        .register_metric("peers", "Peers.", peers.clone())
        .unwrap();
    let mut order = shuffled(50);
    for h in &order {
        peers.labels(peer(h)).inc();
    }

    let gone = order.remove(17);
    assert!(peers.remove(&peer(&gone)));
    assert!(!peers.remove(&peer(&gone)));
    assert_eq!(hosts(&registry), order);
    assert_eq!(peers.len(), order.len());

    // `remove_matching` keeps the others in order too.
    let odd = |h: &str| h.ends_with(['1', '3', '5', '7', '9']);
    let removed = peers.remove_matching(|p| odd(&p.host));
    let before = order.len();
    order.retain(|h| !odd(h));
    assert_eq!(removed, before - order.len());
    assert_eq!(hosts(&registry), order);

    // A label set seen again after its removal comes last, at zero.
    peers.labels(peer(&gone)).inc();
    order.push(gone.clone());
    assert_eq!(hosts(&registry), order);
    assert_eq!(peers.get(&peer(&gone)).map(|c| c.get()), Some(1));

    // A removed series' handle still records, into a metric no longer scraped.
    let kept = peers.labels(peer(&order[0]));
    assert!(peers.remove(&peer(&order[0])));
    kept.inc();
    assert_eq!(hosts(&registry), order[1..]);
    peers.clear();
    assert!(hosts(&registry).is_empty());
}

#[test]
fn the_overflow_series_comes_last() {
    let registry = Registry::new();
    let peers: Arc<Family<Peer, Counter>> = Arc::new(Family::with_limit(3));
    registry
        .register_metric("peers", "Peers.", peers.clone())
        .unwrap();
    for h in ["c", "a", "x", "b", "y"] {
        peers.labels(peer(h)).inc();
    }
    assert_eq!(hosts(&registry), ["c", "a", "x", "__overflow__"]);
    // Room again after a removal: the new series comes after the others, before the
    // overflow series.
    assert!(peers.remove(&peer("a")));
    peers.labels(peer("z")).inc();
    assert_eq!(hosts(&registry), ["c", "x", "z", "__overflow__"]);
}
