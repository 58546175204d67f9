use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    #[label(rename = "")]
    Other,
}

fn main() {}
