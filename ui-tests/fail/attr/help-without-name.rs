#[promenade::counted(help = "Jobs run.")]
fn work() {}

fn main() {
    work();
}
