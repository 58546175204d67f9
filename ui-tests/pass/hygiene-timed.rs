//! `#[timed]` output names only `::core` and `::promenade::__private`, so shadowing the
//! prelude and common names does not break it.
#![no_implicit_prelude]
#![allow(dead_code, non_camel_case_types)]

extern crate promenade as renamed_promenade;
extern crate std as real_std;

mod core {}
mod std {}
mod promenade {}
struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct Box;
struct String;
struct __private;

#[::renamed_promenade::timed(crate = "::renamed_promenade")]
fn shared() -> u8 {
    1
}

/// Time to work.
#[::renamed_promenade::timed(name = "hygiene_work_seconds", crate = "::renamed_promenade")]
fn own() -> u8 {
    2
}

fn main() {
    let _ = shared() + own();
}
