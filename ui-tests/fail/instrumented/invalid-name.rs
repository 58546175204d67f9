#[promenade::instrumented(name = "nightly-backup", help = "Nightly backups.")]
fn backup() {}

fn main() {
    backup();
}
