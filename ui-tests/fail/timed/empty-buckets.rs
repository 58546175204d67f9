/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = [])]
fn work() {}

fn main() {
    work();
}
