#[derive(Debug)]
enum BackupError {
    DiskFull,
    Timeout,
}

#[promenade::counted_exceptions(only = [DiskFul])]
fn backup(fail: bool) -> Result<(), BackupError> {
    if fail {
        Err(BackupError::Timeout)
    } else {
        Err(BackupError::DiskFull)
    }
}

fn main() {
    let _ = backup(true);
}
