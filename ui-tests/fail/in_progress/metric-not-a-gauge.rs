static CALLS: promenade::Counter = promenade::Counter::new();

#[promenade::in_progress(metric = CALLS)]
fn work() {}

fn main() {
    work();
}
