use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Route {
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request<V> {
    value: V,
    #[label(flatten)]
    route: Route,
}

fn main() {}
