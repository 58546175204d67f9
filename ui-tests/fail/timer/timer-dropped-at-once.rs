// `h.start_timer();` drops the timer at once, so it records ~0 seconds; the must-use
// message says to bind it with `let _timer = ...`, not `let _ = ...` (rustc's own hint).
#![deny(unused_must_use)]

fn main() {
    let h = promenade::Histogram::new(promenade::Buckets::default());
    h.start_timer();
}
