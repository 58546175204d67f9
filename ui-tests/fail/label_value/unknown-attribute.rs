use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    #[label(name = "post")]
    Post,
}

fn main() {}
