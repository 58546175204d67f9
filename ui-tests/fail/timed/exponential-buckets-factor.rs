/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = exponential(0.01, 0.5, 4))]
fn work() {}

fn main() {
    work();
}
