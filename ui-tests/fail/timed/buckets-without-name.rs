#[promenade::timed(buckets = [0.1, 1.0])]
fn work() {}

fn main() {
    work();
}
