// A type error inside a body that `#[instrumented]` moved into a closure is still
// reported at the user's code, against the declared return type.
#[promenade::instrumented]
fn parse(input: &str) -> Result<u32, String> {
    let n: u32 = input;
    Ok(n)
}

fn main() {
    let _ = parse("1");
}
