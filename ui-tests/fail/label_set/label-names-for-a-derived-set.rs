use promenade::{Counter, Family, LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
}

fn main() {
    // `Request` names its labels itself.
    let _requests: Family<Request, Counter> = Family::with_label_names(["method"]).unwrap();
}
