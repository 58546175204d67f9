// An exception guard dropped at once counts one at once; the must-use message says how
// to hold it and where to call `success()`.
#![deny(unused_must_use)]

fn main() {
    let errors = promenade::Counter::new();
    errors.exception_guard();
}
