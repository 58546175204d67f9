//! `crate` on a function attribute reads as on the derives: a path in a string.

#[promenade::counted(crate = promenade)]
fn work() {}

fn main() {
    work();
}
