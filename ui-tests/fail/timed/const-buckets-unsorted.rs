const SLOW: [f64; 2] = [5.0, 1.0];

/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = SLOW)]
fn work() {}

fn main() {
    work();
}
