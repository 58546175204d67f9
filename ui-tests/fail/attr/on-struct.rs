#[promenade::instrumented]
struct Service;

fn main() {
    let _ = Service;
}
