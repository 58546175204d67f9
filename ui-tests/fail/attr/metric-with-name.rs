static CALLS: promenade::Counter = promenade::Counter::new();

#[promenade::counted(name = "work_total", metric = CALLS)]
fn work() {}

fn main() {
    work();
}
