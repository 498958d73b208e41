//! A bound on what the tar reader buffers for one member's headers.
//!
//! The `tar` crate reads pax extensions and GNU long names and links into
//! memory whole, as large as their headers say: a layer with a 20 GiB pax
//! header would take 20 GiB of memory before any member is returned. The
//! guard counts the bytes read while the reader moves to the next member
//! (headers, their extension data, sparse maps) and fails past
//! [`MAX_HEADER_BYTES`]. Member data is read by the caller outside that
//! window, and drained before the next step so none is skipped inside it.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Go's archive/tar, which writes most layers, refuses pax headers and long
/// names over 1 MiB each; a member may carry a pax header, a long name and a
/// long link.
pub const MAX_HEADER_BYTES: u64 = 4 << 20;

#[derive(Debug)]
struct HeaderTooLarge;

impl std::fmt::Display for HeaderTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a member's tar headers exceed {MAX_HEADER_BYTES} bytes")
    }
}

impl std::error::Error for HeaderTooLarge {}

/// True for the error the guard raised.
pub fn is_header_too_large(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<HeaderTooLarge>())
}

/// The reader half: passes bytes through, counting them inside a window.
pub struct Guarded<R> {
    inner: R,
    budget: Rc<Cell<Option<u64>>>,
}

/// The control half: opens the window around each step of the tar reader.
pub struct HeaderBudget {
    budget: Rc<Cell<Option<u64>>>,
}

pub fn guard<R: Read>(inner: R) -> (Guarded<R>, HeaderBudget) {
    let budget = Rc::new(Cell::new(None));
    (
        Guarded {
            inner,
            budget: Rc::clone(&budget),
        },
        HeaderBudget { budget },
    )
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(left) = self.budget.get() else {
            return self.inner.read(buf);
        };
        // One byte past the budget is enough to know it was exceeded.
        let cap = buf.len().min(
            usize::try_from(left)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        );
        let n = self.inner.read(&mut buf[..cap])?;
        match left.checked_sub(n as u64) {
            Some(rest) => {
                self.budget.set(Some(rest));
                Ok(n)
            }
            None => Err(io::Error::other(HeaderTooLarge)),
        }
    }
}

impl HeaderBudget {
    /// The next member, its headers read within the budget.
    pub fn next<'a, R: Read>(
        &self,
        entries: &mut tar::Entries<'a, R>,
    ) -> Option<io::Result<tar::Entry<'a, R>>> {
        self.budget.set(Some(MAX_HEADER_BYTES));
        let next = entries.next();
        self.budget.set(None);
        next
    }
}

/// Reads what the caller left of a member, so the tar reader's next step
/// starts at a header rather than skipping data inside the window.
pub fn drain<R: Read>(entry: &mut R) -> io::Result<u64> {
    io::copy(entry, &mut io::sink())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(typ: u8, name: &str, size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).expect("name");
        h.set_size(size);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::new(typ));
        h.set_cksum();
        let mut out = h.as_bytes().to_vec();
        out.extend(std::iter::repeat_n(b'a', size as usize));
        out.resize(out.len().div_ceil(512) * 512, 0);
        out
    }

    fn names(archive: Vec<u8>) -> io::Result<Vec<String>> {
        let (reader, budget) = guard(io::Cursor::new(archive));
        let mut tar = tar::Archive::new(reader);
        let mut entries = tar.entries()?;
        let mut out = Vec::new();
        while let Some(entry) = budget.next(&mut entries) {
            let mut entry = entry?;
            out.push(String::from_utf8_lossy(&entry.path_bytes()).into_owned());
            drain(&mut entry)?;
        }
        Ok(out)
    }

    #[test]
    fn large_member_data_passes_but_a_huge_long_name_does_not() {
        let mut ok = member(b'0', "big", MAX_HEADER_BYTES * 2);
        ok.extend(member(b'0', "small", 3));
        ok.extend([0; 1024]);
        assert_eq!(names(ok).expect("read"), ["big", "small"]);

        let mut bad = member(b'L', "././@LongLink", MAX_HEADER_BYTES + 1);
        bad.extend(member(b'0', "x", 0));
        bad.extend([0; 1024]);
        let err = names(bad).expect_err("a long name past the budget");
        assert!(is_header_too_large(&err), "{err}");
    }
}
