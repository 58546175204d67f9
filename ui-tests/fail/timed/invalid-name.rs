/// Time to work.
#[promenade::timed(name = "work-seconds")]
fn work() {}

fn main() {
    work();
}
