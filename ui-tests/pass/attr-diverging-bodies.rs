//! Bodies that never return, under every attribute and `#![deny(warnings)]`: a `-> !`
//! function gets its entry guards only (a panic is still seen by the drop guards), and an
//! `async fn` whose body never ends adds no `unreachable_code` warning of its own.
#![deny(warnings)]

use promenade::{counted, counted_exceptions, in_progress, instrumented, timed};

#[timed]
fn timed_never() -> ! {
    panic!("stop")
}

#[timed(outcome)]
fn timed_outcome_never() -> ! {
    std::process::exit(0)
}

#[counted]
fn counted_never() -> ! {
    loop {}
}

#[counted_exceptions]
fn counted_exceptions_never() -> ! {
    panic!("stop")
}

#[in_progress]
fn in_progress_never() -> ! {
    loop {}
}

#[instrumented]
fn instrumented_never() -> ! {
    panic!("stop")
}

#[timed]
async fn timed_loop() {
    loop {}
}

#[timed(outcome)]
async fn timed_outcome_loop() -> u32 {
    loop {}
}

#[timed(outcome)]
async fn timed_outcome_todo() -> Result<u32, std::io::Error> {
    todo!()
}

#[counted]
async fn counted_todo() -> u32 {
    todo!()
}

#[counted_exceptions]
async fn counted_exceptions_loop() -> Result<(), std::io::Error> {
    loop {}
}

#[counted_exceptions]
async fn counted_exceptions_todo() {
    todo!()
}

#[in_progress]
async fn in_progress_loop() {
    loop {}
}

#[instrumented]
async fn instrumented_loop() -> Result<u8, std::fmt::Error> {
    loop {}
}

#[instrumented]
async fn instrumented_todo() {
    todo!()
}

#[instrumented]
async fn instrumented_panic() -> u8 {
    panic!("stop")
}

struct Worker;

#[instrumented]
impl Worker {
    fn run(&self) -> ! {
        panic!("stop")
    }

    async fn serve(&self) {
        loop {}
    }
}

fn main() {
    let _ = (
        timed_never as fn() -> !,
        timed_outcome_never as fn() -> !,
        counted_never as fn() -> !,
        counted_exceptions_never as fn() -> !,
        in_progress_never as fn() -> !,
        instrumented_never as fn() -> !,
    );
    drop((
        timed_loop(),
        timed_outcome_loop(),
        timed_outcome_todo(),
        counted_todo(),
        counted_exceptions_loop(),
        counted_exceptions_todo(),
        in_progress_loop(),
        instrumented_loop(),
        instrumented_todo(),
        instrumented_panic(),
        Worker.serve(),
    ));
    let _ = Worker::run;
}
