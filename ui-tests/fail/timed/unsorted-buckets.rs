/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = [0.1, 1.0, 0.5])]
fn work() {}

fn main() {
    work();
}
