//! The function attributes' output names only `::core` and the runtime's `__private`, so
//! shadowing the prelude and common names does not break it.
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
struct __PROMENADE_SITE;
struct Outcome;
struct Counter;

#[::renamed_promenade::instrumented(crate = "::renamed_promenade")]
fn instrumented() -> ::real_std::result::Result<u8, ()> {
    ::real_std::result::Result::Ok(1)
}

#[::renamed_promenade::counted(crate = "::renamed_promenade")]
#[::renamed_promenade::in_progress(crate = "::renamed_promenade")]
fn counted() -> u8 {
    2
}

/// Failures.
#[::renamed_promenade::counted_exceptions(name = "hygiene_failures", crate = "::renamed_promenade")]
#[::renamed_promenade::timed(outcome, name = "hygiene_outcome_seconds", crate = "::renamed_promenade")]
#[::renamed_promenade::counted(name = "hygiene_calls", crate = "::renamed_promenade")]
#[::renamed_promenade::in_progress(name = "hygiene_in_flight", crate = "::renamed_promenade")]
fn named() -> ::real_std::result::Result<u8, ()> {
    ::real_std::result::Result::Ok(3)
}

fn main() {
    let _ = instrumented();
    let _ = counted();
    let _ = named();
}
