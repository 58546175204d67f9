use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics<M> {
    /// Jobs finished.
    finished: M,
}

fn main() {
    // The struct's items still exist (with its generics), so using them adds no errors.
    let _ = JobMetrics::<Counter>::new();
    JobMetrics::<Counter>::global().finished.inc();
}
