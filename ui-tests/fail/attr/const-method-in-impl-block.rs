struct Service;

#[promenade::counted]
impl Service {
    fn get(&self) {}
    const fn limit() -> u32 {
        3
    }
}

fn main() {
    Service.get();
    let _ = Service::limit();
}
