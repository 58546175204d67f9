use promenade::{Counter, Metrics};

struct Db {
    queries: Counter,
}

#[derive(Metrics)]
struct App {
    #[metric(nested)]
    db: Db,
}

fn main() {}
