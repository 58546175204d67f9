#[promenade::counted(crate = "::metrics_reexport")]
fn work() {}

fn main() {
    work();
}
