/// Jobs run.
#[promenade::counted(name = "jobs_total", buckets = [0.1, 1.0])]
fn work() {}

fn main() {
    work();
}
