static QUEUE_DEPTH: promenade::IntGauge = promenade::IntGauge::new();

#[promenade::counted_exceptions(metric = QUEUE_DEPTH)]
fn work() -> Result<(), String> {
    Ok(())
}

fn main() {
    let _ = work();
}
