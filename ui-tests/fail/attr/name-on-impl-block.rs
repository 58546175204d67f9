struct Service;

/// Time to serve.
#[promenade::timed(name = "service_seconds")]
impl Service {
    fn get(&self) {}
    fn put(&self) {}
}

fn main() {
    Service.get();
    Service.put();
}
