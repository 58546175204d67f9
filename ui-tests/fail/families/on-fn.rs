#[promenade::families]
fn handle() {}

fn main() {}
