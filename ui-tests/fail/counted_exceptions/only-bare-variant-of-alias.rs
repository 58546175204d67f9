// `io::Result<T>` does not name its error type, so a bare variant cannot be resolved.
#[promenade::counted_exceptions(only = [NotFound])]
fn read(path: &str) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

fn main() {
    let _ = read("x");
}
