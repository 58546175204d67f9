// `track_in_progress()` as a statement puts the gauge up and down again at once; the
// must-use message says to bind the guard with `let _guard = ...`.
#![deny(unused_must_use)]

fn main() {
    let in_flight = promenade::IntGauge::new();
    in_flight.track_in_progress();
}
