/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = [0.1, f64::NAN, 1.0])]
fn work() {}

fn main() {
    work();
}
