use promenade::{Counter, Family, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

// The derive does not name a tuple's labels (yet): a derived struct's family takes a
// `#[derive(LabelSet)]` struct.
#[derive(Metrics)]
struct App {
    /// Requests.
    requests: Family<(Method, bool), Counter>,
}

fn main() {
    let _ = App::new();
}
