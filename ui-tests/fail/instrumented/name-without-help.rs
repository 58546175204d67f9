// The named form's four families need a help text: `help = "..."` or a doc comment.
#[promenade::instrumented(name = "backup")]
fn backup() {}

fn main() {
    backup();
}
