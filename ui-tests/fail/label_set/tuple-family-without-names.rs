use promenade::{Counter, Family, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

fn main() {
    // A tuple names no labels: its family needs `with_label_names`.
    let _requests: Family<(Method, bool), Counter> = Family::new();
}
