//! The metadata of a tar member that extraction applies (mode, owner,
//! mtime, xattrs), PAX records overriding the header.

use std::io::{self, Read};

use nix::sys::time::TimeSpec;

use super::ExtractError;

pub(super) struct Meta {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: TimeSpec,
    /// `SCHILY.xattr.<name>` records: (name, value).
    pub xattrs: Vec<(Vec<u8>, Vec<u8>)>,
}

pub(super) fn read<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    name: &str,
) -> Result<Meta, ExtractError> {
    let corrupt = |source| ExtractError::Corrupt { source };
    let header = entry.header();
    let old = header.as_old();
    let mut uid = lenient(&old.uid, header.uid()).map_err(corrupt)?;
    let mut gid = lenient(&old.gid, header.gid()).map_err(corrupt)?;
    let mode = lenient(&old.mode, header.mode().map(u64::from)).map_err(corrupt)?;
    let secs = lenient(&old.mtime, header.mtime()).map_err(corrupt)?;
    let mut mtime = TimeSpec::new(i64::try_from(secs).unwrap_or(i64::MAX), 0);
    let mut xattrs = Vec::new();
    if let Some(pax) = entry.pax_extensions().map_err(corrupt)? {
        for ext in pax {
            let ext = ext.map_err(corrupt)?;
            let value = ext.value_bytes();
            match ext.key_bytes() {
                b"uid" => uid = pax_number(value, name, "uid")?,
                b"gid" => gid = pax_number(value, name, "gid")?,
                b"mtime" => mtime = pax_time(value, name)?,
                key => {
                    if let Some(attr) = key.strip_prefix(b"SCHILY.xattr.") {
                        xattrs.push((attr.to_vec(), value.to_vec()));
                    }
                }
            }
        }
    }
    let id = |v: u64, what: &str| {
        u32::try_from(v).map_err(|_| ExtractError::Unsafe {
            entry: name.to_owned(),
            problem: format!("has {what} {v}, beyond the 32-bit id range"),
        })
    };
    Ok(Meta {
        // Only permission bits: the file type comes from the entry type.
        mode: (mode & 0o7777) as u32,
        uid: id(uid, "uid")?,
        gid: id(gid, "gid")?,
        mtime,
        xattrs,
    })
}

/// Go's archive/tar, and so docker, reads a numeric field of only NULs or
/// spaces as 0; the tar crate calls it an error. Accept what docker accepts.
fn lenient(raw: &[u8], parsed: io::Result<u64>) -> io::Result<u64> {
    if raw.iter().all(|b| *b == 0 || *b == b' ') {
        Ok(0)
    } else {
        parsed
    }
}

fn pax_number(value: &[u8], name: &str, what: &str) -> Result<u64, ExtractError> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| ExtractError::Unsafe {
            entry: name.to_owned(),
            problem: format!(
                "has an unreadable PAX {what} {:?}",
                String::from_utf8_lossy(value)
            ),
        })
}

/// PAX times are decimal seconds with an optional fraction ("1700000000.5").
fn pax_time(value: &[u8], name: &str) -> Result<TimeSpec, ExtractError> {
    let bad = || ExtractError::Unsafe {
        entry: name.to_owned(),
        problem: format!(
            "has an unreadable PAX mtime {:?}",
            String::from_utf8_lossy(value)
        ),
    };
    let text = std::str::from_utf8(value).map_err(|_| bad())?.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut secs: i64 = whole.parse().map_err(|_| bad())?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
    let mut nanos: i64 = digits.parse().map_err(|_| bad())?;
    // "-1.5" is one and a half seconds before the epoch.
    if text.starts_with('-') && nanos > 0 {
        secs -= 1;
        nanos = 1_000_000_000 - nanos;
    }
    Ok(TimeSpec::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_times_keep_fractions_and_negative_times() {
        let t = pax_time(b"1700000000.25", "f").unwrap();
        assert_eq!((t.tv_sec(), t.tv_nsec()), (1_700_000_000, 250_000_000));
        let t = pax_time(b"-1.5", "f").unwrap();
        assert_eq!((t.tv_sec(), t.tv_nsec()), (-2, 500_000_000));
        let t = pax_time(b"42", "f").unwrap();
        assert_eq!((t.tv_sec(), t.tv_nsec()), (42, 0));
        assert!(pax_time(b"12.x", "f").is_err());
        assert!(pax_time(b"", "f").is_err());
    }

    #[test]
    fn empty_numeric_fields_read_as_zero_like_go() {
        assert_eq!(lenient(b"\0\0\0\0", Err(io::Error::other("x"))).unwrap(), 0);
        assert_eq!(lenient(b"  \0", Err(io::Error::other("x"))).unwrap(), 0);
        assert!(lenient(b"12x\0", Err(io::Error::other("x"))).is_err());
        assert_eq!(lenient(b"0000017\0", Ok(15)).unwrap(), 15);
    }
}
