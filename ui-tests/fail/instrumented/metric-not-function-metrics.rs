#[derive(promenade::Metrics)]
struct Jobs {
    /// Jobs run.
    runs: promenade::Counter,
}

#[promenade::instrumented(metric = Jobs::global().runs)]
fn work() {}

fn main() {
    work();
}
