use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    method: Method,
    cached: bool,
}

fn main() {}
