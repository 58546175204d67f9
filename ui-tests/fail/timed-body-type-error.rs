// A type error inside an instrumented body is reported at the user's code, not at the
// attribute.
#[promenade::timed]
fn parse(input: &str) -> u32 {
    let n: u32 = input;
    n
}

#[promenade::timed]
async fn fetch() -> String {
    42
}

fn main() {
    let _ = parse("1");
    let _ = fetch();
}
