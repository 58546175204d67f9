use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(rename_all = "Title Case")]
enum Method {
    Get,
    Post,
}

fn main() {}
