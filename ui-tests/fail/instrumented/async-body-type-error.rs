// A type error inside an async body that `#[instrumented]` moved into an async block is
// still reported at the user's code, against the declared return type.
#[promenade::instrumented]
async fn fetch() -> Result<String, String> {
    Ok(42)
}

fn main() {
    let _ = fetch();
}
