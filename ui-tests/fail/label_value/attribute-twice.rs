use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    #[label(rename = "GET", rename = "get")]
    Get,
    Post,
}

fn main() {}
