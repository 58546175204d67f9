// `name` is the prefix of four metrics, not the name of one.
#[promenade::instrumented(name = "backup_duration_seconds", help = "Nightly backups.")]
fn backup() {}

fn main() {
    backup();
}
