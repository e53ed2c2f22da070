//! Reading the user's files with bounds: only regular files (never a device, a FIFO or a
//! directory, which could block forever or never end), and at most a stated number of
//! bytes, so that a mistaken path cannot take the machine's memory. Also the parser of
//! byte sizes (`64MiB`, `8GB`) used by `--max-input-size` and `--memory-budget`.

use std::io::Read;
use std::path::Path;

/// Largest scenario file read by default (`--max-input-size` raises it).
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Largest shard or checkpoint file read by default (`tradesim merge --max-input-size`
/// raises it): tradesim's own files, whose size grows with the days and the measures.
pub const MAX_STORE_BYTES: u64 = 1 << 30;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The path is a directory, device or other non-file (what it is, in words).
    #[error("not a regular file (it is {0}); give the path of a file")]
    NotRegular(&'static str),
    /// The file is larger than the input size limit.
    #[error(
        "the file is {} ({size} bytes), over the limit of {} for this kind of input; \
         if it is meant to be that large, raise the limit with --max-input-size (e.g. --max-input-size {})",
        format_bytes(*size), format_bytes(*limit), format_bytes(size.saturating_mul(2))
    )]
    TooLarge {
        /// The file's size, bytes.
        size: u64,
        /// The limit for this kind of input, bytes.
        limit: u64,
    },
}

impl InputError {
    /// Whether the file does not exist (some callers treat that as "nothing there").
    pub fn is_not_found(&self) -> bool {
        matches!(self, InputError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// What a file type is, for a message.
fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a folder" } else { "not a file" }
}

/// Reads the whole of the regular file at `path`, if it has at most `limit` bytes.
///
/// The kind is checked before the file is opened (opening a FIFO for reading blocks until
/// a writer comes), and again on the open file, which is opened non-blocking on Unix; the
/// read stops after `limit` + 1 bytes whatever the size reported, so a file that grows
/// while it is read cannot take more.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Parses a byte size: a number with an optional unit, `B`, `K`/`KB`/`KiB`, `M`/`MB`/`MiB`,
/// `G`/`GB`/`GiB`, `T`/`TB`/`TiB` (all powers of 1024: memory is counted so), e.g.
/// `64MiB`, `8G`, `1.5GiB`, `1000000`.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let bad = || {
        format!(
            "`{}` is not a size; give a number with a unit, e.g. 512MiB, 8GiB or 2T",
            shorten(s, 40)
        )
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    let bytes = value * scale as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > (1u64 << 60) as f64 {
        return Err(format!(
            "`{}`: a size must be at least 1 byte and at most 1 EiB",
            shorten(s, 40)
        ));
    }
    Ok(bytes as u64)
}

/// A byte count for people: `64 MiB`, `1.5 GiB`, `900 B`.
pub fn format_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// At most `max` characters of `s`, with `…` if cut (for echoing what a user typed).
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("8G"), Ok(8 << 30));
        assert_eq!(parse_bytes("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("1e308").is_err());
        assert!(parse_bytes("9999999999T").is_err());
        assert_eq!(format_bytes(64 << 20), "64 MiB");
        assert_eq!(format_bytes(3 << 29), "1.5 GiB");
        assert_eq!(format_bytes(900), "900 B");
    }

    #[test]
    fn only_regular_files_up_to_the_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").expect("write");
        assert_eq!(read_regular(&p, 10).expect("fits"), b"0123456789");
        assert!(matches!(
            read_regular(&p, 9),
            Err(InputError::TooLarge { size: 10, limit: 9 })
        ));
        assert!(matches!(
            read_regular(dir.path(), 100),
            Err(InputError::NotRegular("a folder"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 100),
            Err(InputError::NotRegular("a character device"))
        ));
        assert!(
            read_regular(&dir.path().join("none"), 100)
                .expect_err("missing")
                .is_not_found()
        );
    }
}
