// A Python user's `c.inc(1.6)`: a `Counter` counts whole numbers, and the error points at
// `FloatCounter`.
fn main() {
    let bytes = promenade::Counter::new();
    bytes.inc_by(1.6);
}
