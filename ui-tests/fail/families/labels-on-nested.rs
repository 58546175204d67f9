use promenade::{Counter, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[derive(Metrics)]
struct Db {
    /// Queries run.
    queries: Counter,
}

#[promenade::families]
#[derive(Metrics)]
struct App {
    #[metric(nested, labels = Request)]
    db: Db,
}

fn main() {}
