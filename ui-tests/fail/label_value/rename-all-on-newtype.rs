use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(rename_all = "UPPERCASE")]
struct Cached(bool);

fn main() {}
