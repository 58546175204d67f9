use promenade::{Counter, Family, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

fn main() {
    // Two values, one name.
    let _requests: Family<(Method, bool), Counter> =
        Family::with_label_names(["method"]).unwrap();
}
