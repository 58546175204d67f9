// A type error inside a body that `#[instrumented]` moved into a closure (sync) or an
// async block is still reported at the user's code, against the declared return type.
#[promenade::instrumented]
fn parse(input: &str) -> Result<u32, String> {
    let n: u32 = input;
    Ok(n)
}

#[promenade::counted_exceptions]
async fn fetch() -> Result<String, String> {
    Ok(42)
}

fn main() {
    let _ = parse("1");
    let _ = fetch();
}
