use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
    #[label(rename = "get")]
    Head,
}

fn main() {}
