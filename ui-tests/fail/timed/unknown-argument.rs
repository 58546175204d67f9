#[promenade::timed(nmae = "work_seconds")]
fn work() {}

fn main() {
    work();
}
