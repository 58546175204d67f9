static BACKUP: std::sync::LazyLock<promenade::FunctionMetrics> =
    std::sync::LazyLock::new(promenade::FunctionMetrics::new);

#[promenade::instrumented(name = "backup", help = "Nightly backups.", metric = *BACKUP)]
fn backup() {}

fn main() {
    backup();
}
