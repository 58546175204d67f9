#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, promenade::LabelValue)]
enum JobError {
    Disk,
}

#[promenade::counted_exceptions(only = [])]
fn run() -> Result<(), JobError> {
    Err(JobError::Disk)
}

fn main() {
    let _ = run();
}
