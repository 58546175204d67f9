#[promenade::timed(outcome = true)]
fn work() {}

fn main() {
    work();
}
