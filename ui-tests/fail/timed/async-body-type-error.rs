// A type error inside an instrumented async body is reported at the user's code, against
// the declared return type, not at the attribute.
#[promenade::timed]
async fn fetch() -> String {
    42
}

fn main() {
    let _ = fetch();
}
