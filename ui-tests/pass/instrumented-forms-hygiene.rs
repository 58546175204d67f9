//! `#[instrumented]`'s named and `metric = ...` forms name only `::core` and the runtime's
//! `__private`, so shadowing the prelude and the names they use does not break them.
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
struct FunctionMetrics;
struct OwnFunctionMetrics;

static WORK: real_std::sync::LazyLock<::renamed_promenade::FunctionMetrics> =
    real_std::sync::LazyLock::new(::renamed_promenade::FunctionMetrics::new);

#[::renamed_promenade::instrumented(
    name = "hygiene_backup",
    help = "Backups.",
    buckets = [1.0],
    crate = "::renamed_promenade"
)]
fn named() -> ::real_std::result::Result<u8, ()> {
    ::real_std::result::Result::Ok(1)
}

#[::renamed_promenade::instrumented(metric = *WORK, crate = "::renamed_promenade")]
async fn into_static() -> ::real_std::result::Result<u8, ()> {
    ::real_std::result::Result::Err(())
}

fn main() {
    let _ = named();
    let _ = into_static();
}
