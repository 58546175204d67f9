#[promenade::timed(skip)]
fn work() {}

fn main() {
    work();
}
