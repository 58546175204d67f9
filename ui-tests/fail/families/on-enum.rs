#[promenade::families]
enum Http {
    Requests,
}

fn main() {}
