//! The node exporter's textfile collector: a `*.prom` file in its directory, exported
//! with the machine's metrics (`--collector.textfile.directory`).
//!
//! The node exporter reads the file on every scrape, so a half-written file would be
//! exported half, or skipped as a parse error. [`write_textfile`] never leaves one: it
//! writes a temporary file in the same directory (same file system), flushes it to disk,
//! and renames it over the target, which readers see change in one step.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::encoding::text;
use crate::Registry;

/// Distinguishes temporary files of concurrent writers in one process.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Writes the exposition of `registry` (text format 0.0.4, no timestamps) to `path`,
/// atomically: the Python client's `write_to_textfile(path, registry)`.
///
/// The text goes to `<path>.<pid>.<n>.tmp` beside `path` (a name the node exporter
/// ignores: it reads only `*.prom`), is flushed with `fsync`, and the temporary file is
/// renamed to `path`; the directory is then synced so the rename survives a crash. Readers
/// see either the previous file or the new one, never a mix. On any error the temporary
/// file is removed and `path` is left as it was.
///
/// ```
/// use promenade::{Counter, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let runs = Arc::new(Counter::new());
/// registry.register_metric("backup_runs", "Backups run.", runs.clone()).unwrap();
/// runs.inc();
///
/// let dir = std::env::temp_dir().join(format!("promenade-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("backup.prom");
/// promenade::textfile::write_textfile(&path, &registry)?;
/// assert_eq!(
///     std::fs::read_to_string(&path)?,
///     "# HELP backup_runs_total Backups run.\n# TYPE backup_runs_total counter\nbackup_runs_total 1\n"
/// );
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[doc(alias = "write_to_textfile")]
pub fn write_textfile(path: impl AsRef<Path>, registry: &Registry) -> io::Result<()> {
    let path = path.as_ref();
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let body = text::encode_to_string_without_timestamps(registry);

    let mut temp_name = file_name.to_os_string();
    temp_name.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
    ));
    let temp = TempFile {
        path: dir.join(temp_name),
        keep: false,
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp.path)?;
    file.write_all(body.as_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp.path, path)?;
    temp.disarm();
    // Make the rename durable; a directory that cannot be opened or synced (some file
    // systems refuse) does not undo a rename that already happened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes the temporary file unless it was renamed.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    fn disarm(mut self) {
        self.keep = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}
