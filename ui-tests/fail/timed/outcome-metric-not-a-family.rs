#[derive(promenade::Metrics)]
struct Jobs {
    /// Time to run a job.
    run_seconds: promenade::Histogram,
}

#[promenade::timed(outcome, metric = Jobs::global().run_seconds)]
fn work() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = work();
}
