// `#[skip]` only means something on a method of an impl block that carries one of the
// function attributes; anywhere else it is rustc's unknown attribute.
struct Service;

impl Service {
    #[skip]
    fn untouched(&self) {}
}

fn main() {
    Service.untouched();
}
