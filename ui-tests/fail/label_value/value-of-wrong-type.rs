//! A value of the wrong type in `#[label(...)]` is reported at the value, naming the form,
//! and the keys after it are still read: the misspelt `crate` key is reported too.

use promenade::LabelValue;

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
#[label(rename_all = snake_case, krate = "promenade")]
enum Method {
    Get,
    #[label(rename = 7)]
    Post,
}

fn main() {}
