trait Store {
    #[promenade::timed]
    fn get(&self, key: &str) -> Option<u32>;
}

fn main() {}
