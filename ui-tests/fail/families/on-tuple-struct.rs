use promenade::Counter;

#[promenade::families]
struct Http(Counter);

fn main() {}
