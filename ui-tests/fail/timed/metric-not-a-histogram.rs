#[derive(promenade::Metrics)]
struct Jobs {
    /// Jobs run.
    runs: promenade::Counter,
}

#[promenade::timed(metric = Jobs::global().runs)]
fn work() {}

fn main() {
    work();
}
