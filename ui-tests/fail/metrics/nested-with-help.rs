use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct Db {
    /// Queries run.
    queries: Counter,
}

#[derive(Metrics)]
struct App {
    #[metric(nested, help = "The database.")]
    db: Db,
}

fn main() {}
