#[promenade::timed(name = "work_seconds")]
fn work() {}

fn main() {
    work();
}
