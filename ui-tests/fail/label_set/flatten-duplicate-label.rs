use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Route {
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
    #[label(flatten)]
    route: Route,
}

fn main() {}
