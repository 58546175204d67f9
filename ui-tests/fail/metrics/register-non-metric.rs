use promenade::Registry;

fn main() {
    let registry = Registry::new();
    let jobs: u64 = 0;
    let _ = registry.register_metric("jobs", "Jobs seen.", jobs);
}
