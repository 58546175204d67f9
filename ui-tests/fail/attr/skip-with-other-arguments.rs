use promenade::timed;

struct Service;

#[timed]
impl Service {
    #[timed(skip, outcome)]
    fn untimed(&self) {}
}

fn main() {
    Service.untimed();
}
