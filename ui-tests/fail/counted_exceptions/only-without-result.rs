#[promenade::counted_exceptions(only = [Timeout])]
fn work() -> Option<u8> {
    None
}

fn main() {
    let _ = work();
}
