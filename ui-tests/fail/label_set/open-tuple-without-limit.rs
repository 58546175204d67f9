use promenade::{Counter, Family, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

fn main() {
    // `path` is a `String`: nothing bounds the family.
    let _requests: Family<(Method, String), Counter> =
        Family::with_label_names(["method", "path"]).unwrap();
}
