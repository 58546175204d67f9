use promenade::LabelValue;

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
#[label(range = 0..=4_294_967_295)]
struct UserId(u64);

fn main() {}
