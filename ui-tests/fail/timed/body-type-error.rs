// A type error inside an instrumented body is reported at the user's code, not at the
// attribute.
#[promenade::timed]
fn parse(input: &str) -> u32 {
    let n: u32 = input;
    n
}

fn main() {
    let _ = parse("1");
}
