// A timer records into a histogram, a summary or a gauge; a counter takes no duration.
fn main() {
    let calls = promenade::Counter::new();
    let _timer = promenade::Timer::new(&calls);
}
