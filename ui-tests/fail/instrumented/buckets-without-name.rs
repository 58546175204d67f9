#[promenade::instrumented(buckets = [1.0, 10.0])]
fn backup() {}

fn main() {
    backup();
}
