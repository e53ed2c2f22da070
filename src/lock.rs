//! An exclusive lock on an output folder, so that two runs (or a run and a merge) never
//! write the same files at once. The shards of a run write files of their own
//! (`shard-K-of-M.*`), so shard K locks `.tradesim-shard-K-of-M.lock` and the shards of a
//! Slurm array share their folder; a whole run and a merge lock `.tradesim.lock`.
//!
//! The lock is an advisory whole-file lock (`flock` on Unix, `LockFileEx` on Windows)
//! on `<folder>/.tradesim.lock`, taken with the standard library's `File::try_lock`
//! (stable since Rust 1.89: the same system calls the `fs4` and `fd-lock` crates make,
//! without a dependency). The operating system releases it when the process ends,
//! however it ends (`kill -9` included), so a lock is never left stale. The holder
//! writes its process id into the file, for the message a second run gets. The file is
//! left in place afterwards: removing it would let a third run lock a new file while a
//! second still waits on the old one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside an output folder (for a whole run or a merge).
pub const LOCK_FILE: &str = ".tradesim.lock";

/// The lock file of what a run writes: the whole result, or shard `index` of `count`.
pub fn lock_name(shard: Option<(u64, u64)>) -> String {
    match shard {
        Some((k, m)) => format!(".tradesim-shard-{k}-of-{m}.lock"),
        None => LOCK_FILE.into(),
    }
}

/// A held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

/// Why the folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another tradesim holds the folder's lock.
    #[error(
        "{folder} is in use by another tradesim ({holder}); two runs writing into one folder would corrupt its results: wait for that one to finish, or give another --out"
    )]
    Held {
        /// The output folder asked for.
        folder: PathBuf,
        /// What the holder wrote into the lock file, e.g. "pid 1234 (run)".
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("{path}: cannot lock the output folder: {source}")]
    Io {
        /// The lock file's path.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}

/// Locks `folder` (which must exist) with the lock file `name` ([`lock_name`]) for this
/// process, for `what` (e.g. "run"), or says who holds it.
pub fn lock_folder(folder: &Path, name: &str, what: &str) -> Result<FolderLock, LockError> {
    let path = folder.join(name);
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(LockError::Held {
                folder: folder.to_path_buf(),
                holder: holder(&mut file),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    // Best effort: on a full disk the lock holds without the note.
    let note = format!("pid {} ({what})\n", std::process::id());
    let _ = file
        .set_len(0)
        .and_then(|_| file.rewind())
        .and_then(|_| file.write_all(note.as_bytes()));
    Ok(FolderLock { _file: file })
}

/// What the holder wrote into the lock file ("pid 1234 (run)"); it may not have written it
/// yet when we look, so look twice.
fn holder(file: &mut File) -> String {
    for attempt in 0..2 {
        let mut text = String::new();
        let read = file
            .rewind()
            .and_then(|_| Read::by_ref(file).take(200).read_to_string(&mut text));
        let text = text.trim();
        if read.is_ok() && text.starts_with("pid ") {
            return text.to_string();
        }
        if attempt == 0 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    "pid unknown".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid_and_freed_on_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = lock_folder(dir.path(), LOCK_FILE, "run").expect("first lock");
        // Another shard's lock is another file: shards share a folder.
        let shard = lock_folder(dir.path(), &lock_name(Some((1, 2))), "run").expect("shard 1/2");
        lock_folder(dir.path(), &lock_name(Some((2, 2))), "run").expect("shard 2/2");
        assert!(lock_folder(dir.path(), &lock_name(Some((1, 2))), "run").is_err());
        drop(shard);
        let err = lock_folder(dir.path(), LOCK_FILE, "merge").expect_err("held");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {} (run)", std::process::id())),
            "{msg}"
        );
        drop(first);
        lock_folder(dir.path(), LOCK_FILE, "merge").expect("free again");
    }
}
