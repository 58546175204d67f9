use promenade::LabelValue;

#[derive(Clone, Copy, LabelValue)]
union Method {
    get: u8,
    post: u8,
}

fn main() {}
