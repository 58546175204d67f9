#[promenade::families]
union Http {
    requests: u64,
}

fn main() {}
