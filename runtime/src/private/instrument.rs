//! Support for the function attributes (`#[timed]`).
