// A type error inside an async body that `#[counted_exceptions]` moved into an async block
// is still reported at the user's code, against the declared return type.
#[promenade::counted_exceptions]
async fn fetch() -> Result<String, String> {
    Ok(42)
}

fn main() {
    let _ = fetch();
}
