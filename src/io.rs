//! Files written whole or not at all: the bottom of the tree, imported by [`crate::report`]
//! (result files) and [`crate::experiment`] (checkpoints and shards) alike.
//!
//! Each file is first written and synced to a temporary file beside it (tempfile's
//! [`NamedTempFile`], named `.<name>.tmp-<pid>.<random>` so that
//! [`remove_stale_temporaries`] can tell a killed run's leftovers from a live one's) and
//! then persisted (renamed) into place, so a crash never leaves a half-written file and
//! the earlier file stays until replaced. A temporary file that is not persisted is
//! removed when it is dropped.

use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A result file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    /// The file that was being written.
    pub path: PathBuf,
    /// Why it could not be.
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically (temporary file + fsync + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all_atomic(&[(path, bytes)])
}

/// Creates the temporary file a write of `path` goes through, beside it (so the rename
/// stays on one file system). Opened like `File::create` (mode 0666 less the umask, as
/// the file it becomes should be), and its errors are the operating system's own, so a
/// message reads the same as a plain write's.
fn temporary_beside(path: &Path) -> std::io::Result<NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.tmp-{}.", std::process::id());
    tempfile::Builder::new()
        .prefix(&prefix)
        .rand_bytes(6)
        .make_in(dir, |p| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(p)
        })
}

/// Writes several files as one: each is first written and synced to a temporary file
/// beside it, and only when all of them are written are they renamed into place. A full
/// disk, an unwritable folder or a folder in the way fails before anything is replaced,
/// so the earlier files stay as they were; no temporary file is left either way.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let streamed: Vec<(&Path, Writer<'_>)> = files
        .iter()
        .map(|&(path, bytes)| {
            (
                path,
                Box::new(move |w: &mut dyn Write| w.write_all(bytes)) as Writer<'_>,
            )
        })
        .collect();
    write_all_atomic_streamed(streamed)
}

/// Streams one file's contents out (see [`write_all_atomic_streamed`]).
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// [`write_all_atomic`] for contents that are streamed through a buffer as they are
/// rendered, so a long series is never held in memory whole.
pub fn write_all_atomic_streamed(files: Vec<(&Path, Writer<'_>)>) -> Result<(), WriteError> {
    // Dropping a staged file that was not persisted removes it.
    let mut staged: Vec<(NamedTempFile, &Path)> = Vec::new();
    for (path, write) in files {
        let written = if path.is_dir() {
            // The rename would fail on it: find out before anything is replaced.
            Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
        } else {
            temporary_beside(path).and_then(|tmp| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
                write(&mut w)?;
                let tmp = w.into_inner().map_err(|e| e.into_error())?;
                tmp.as_file().sync_all()?;
                Ok(tmp)
            })
        };
        match written {
            Ok(tmp) => staged.push((tmp, path)),
            Err(source) => {
                return Err(WriteError {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    for (tmp, path) in staged {
        if let Err(e) = tmp.persist(path) {
            return Err(WriteError {
                path: path.to_path_buf(),
                source: e.error,
            });
        }
    }
    Ok(())
}

/// Writes one file atomically as `write` streams it out (through a buffer, so a large file
/// is never held in memory whole): [`write_all_atomic_streamed`] with one file.
pub fn write_atomic_streamed(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    write_all_atomic_streamed(vec![(path, Box::new(write))])
}

/// Removes temporary files that a killed run left in `dir` (`.<name>.tmp-<pid>.<random>`,
/// or `.<name>.tmp-<pid>` from earlier versions, of a process that no longer exists).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            .map(|(_, rest)| rest.split('.').next().unwrap_or(rest).to_string())
        else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
