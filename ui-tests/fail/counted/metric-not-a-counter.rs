static IN_FLIGHT: promenade::Gauge = promenade::Gauge::new();

#[promenade::counted(metric = IN_FLIGHT)]
fn work() {}

fn main() {
    work();
}
