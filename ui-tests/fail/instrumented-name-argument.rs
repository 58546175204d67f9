#[promenade::instrumented(name = "work_seconds")]
fn work() {}

fn main() {
    work();
}
