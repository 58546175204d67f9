//! Placeholder while the quickstart is written.
fn main() {}
