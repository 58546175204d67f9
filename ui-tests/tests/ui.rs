//! Runs every case under `pass/` (must compile) and `fail/<macro>/` (must fail with exactly the
//! committed `.stderr`). Regenerate messages with `TRYBUILD=overwrite cargo test -p
//! promenade-ui-tests` and review the diff like code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*/*.rs");
}
