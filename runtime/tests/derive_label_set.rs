//! `#[derive(LabelSet)]`: names, cardinality as a product, a dense mixed-radix index that
//! round-trips, encoding in field order, declared limits on open labels, and flattened
//! sets.

use promenade::{LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
    Put,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Class {
    Ok,
    ClientError,
    ServerError,
    Other,
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
    #[label(rename = "status")]
    class: Class,
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(limit = 100)]
    host: String,
    secure: bool,
}

fn text<L: LabelSet>(l: &L) -> String {
    promenade::encoding::labels_text(l)
}

#[test]
fn names_follow_fields_and_renames() {
    assert_eq!(Request::NAMES, &["method", "status", "cached"]);
    assert_eq!(Peer::NAMES, &["host", "secure"]);
}

#[test]
fn cardinality_is_the_product_or_open() {
    assert_eq!(Request::CARDINALITY, Some(3 * 5 * 2));
    assert_eq!(Peer::CARDINALITY, None);
}

#[test]
fn declared_limits_bound_the_series() {
    // Finite: the cardinality. Open: each limit times the other fields' values.
    assert_eq!(Request::MAX_SERIES, Some(30));
    assert_eq!(Peer::MAX_SERIES, Some(100 * 2));

    #[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Two {
        #[label(limit = 10)]
        host: String,
        // A limit below a finite label's cardinality caps it.
        #[label(limit = 4)]
        shard: u8,
    }
    assert_eq!(Two::MAX_SERIES, Some(40));

    #[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Anything {
        #[label(unbounded)]
        path: String,
        method: Method,
    }
    assert_eq!(Anything::CARDINALITY, None);
    assert_eq!(Anything::MAX_SERIES, None);
    assert_eq!(
        text(&Anything {
            path: "/a".into(),
            method: Method::Put
        }),
        r#"path="/a",method="put""#
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Route {
    method: Method,
    #[label(rename = "route_cached")]
    cached: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Handled {
    zone: bool,
    #[label(flatten)]
    route: Route,
    class: Class,
}

#[test]
fn a_flattened_set_joins_names_cardinality_and_index() {
    assert_eq!(Handled::NAMES, &["zone", "method", "route_cached", "class"]);
    assert_eq!(Handled::CARDINALITY, Some(2 * (3 * 2) * 5));
    assert_eq!(Handled::MAX_SERIES, Handled::CARDINALITY);
    let h = Handled {
        zone: true,
        route: Route {
            method: Method::Put,
            cached: false,
        },
        class: Class::Other,
    };
    // zone 1, then the route's own index 2 * 2 + 0 = 4 of 6, then class 3 of 5.
    assert_eq!(h.index(), (6 + 4) * 5 + 3);
    assert_eq!(Handled::from_index(h.index()), Some(h));
    let n = Handled::CARDINALITY.unwrap();
    let all: std::collections::HashSet<_> = (0..n)
        .map(|i| Handled::from_index(i).expect("every index decodes"))
        .inspect(|l| assert!(l.index() < n))
        .collect();
    assert_eq!(all.len(), n);
    assert_eq!(Handled::from_index(n), None);
    assert_eq!(
        text(&h),
        r#"zone="true",method="put",route_cached="false",class="other""#
    );

    // Flattening an open set carries its declared limit.
    #[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Outer {
        #[label(flatten)]
        peer: Peer,
        method: Method,
    }
    assert_eq!(Outer::NAMES, &["host", "secure", "method"]);
    assert_eq!(Outer::CARDINALITY, None);
    assert_eq!(Outer::MAX_SERIES, Some(200 * 3));
}

#[test]
fn index_is_dense_and_round_trips() {
    let n = Request::CARDINALITY.unwrap();
    let mut seen = std::collections::HashSet::new();
    for i in 0..n {
        let l = Request::from_index(i).expect("every index below the cardinality decodes");
        assert_eq!(l.index(), i);
        assert!(seen.insert(l), "{l:?} decoded twice");
    }
    assert_eq!(Request::from_index(n), None);
    // The first field is the most significant digit.
    let first = Request::from_index(0).unwrap();
    assert_eq!(
        first,
        Request {
            method: Method::Get,
            class: Class::Ok,
            cached: false
        }
    );
    let l = Request {
        method: Method::Post,
        class: Class::ServerError,
        cached: true,
    };
    // method 1 (of 3), status 2 (of 5), cached 1 (of 2).
    let (method, status, cached) = (1, 2, 1);
    assert_eq!(l.index(), (method * 5 + status) * 2 + cached);
}

#[test]
fn open_sets_have_no_index() {
    let p = Peer {
        host: "db".into(),
        secure: true,
    };
    assert_eq!(p.index(), 0);
    assert_eq!(Peer::from_index(0), None);
}

#[test]
fn encodes_in_field_order_with_escaping() {
    let l = Request {
        method: Method::Put,
        class: Class::ClientError,
        cached: false,
    };
    assert_eq!(
        text(&l),
        "method=\"put\",status=\"client_error\",cached=\"false\""
    );
    let p = Peer {
        host: "a\"b".into(),
        secure: false,
    };
    assert_eq!(text(&p), "host=\"a\\\"b\",secure=\"false\"");
}

#[test]
fn reserved_looking_names_are_fine_outside_histograms() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Odd {
        le: bool,
        quantile: bool,
        r#type: bool,
    }
    assert_eq!(Odd::NAMES, &["le", "quantile", "type"]);
    assert_eq!(Odd::CARDINALITY, Some(8));
}

#[test]
fn an_empty_set_has_one_member() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Nothing {}
    assert_eq!(Nothing::CARDINALITY, Some(1));
    assert_eq!(Nothing::from_index(0), Some(Nothing {}));
    assert_eq!(text(&Nothing {}), "");
}

#[test]
fn generic_sets_carry_their_bounds() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct One<V> {
        value: V,
    }
    assert_eq!(One::<bool>::CARDINALITY, Some(2));
    assert_eq!(One::<bool>::MAX_SERIES, Some(2));
    assert_eq!(One::<String>::CARDINALITY, None);
    assert_eq!(One::<bool>::from_index(1), Some(One { value: true }));
}
