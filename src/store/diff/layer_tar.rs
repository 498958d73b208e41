//! Writing a view (see `view`) as a docker tar: regular files, directories,
//! symlinks, hard links (by inode, within the archive), devices and fifos,
//! with modes, owners, whole-second mtimes (docker truncates them too) and
//! the extended attributes images carry (`security.capability`, `user.*`)
//! as PAX records. In `Emit` mode whiteouts become `.wh.<name>` and opaque
//! directories get a `.wh..wh..opq` member, as in a registry layer.
//! Names are sorted, so the same tree always gives the same archive.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::fcntl::{openat, readlinkat, OFlag};
use nix::sys::stat::{FileStat, Mode, SFlag};

use super::view::{file_kind, get_xattr_at, list_xattrs_at, Dir, Entry, Kind};

/// How entries are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct TarOptions {
    /// Every entry owned by this uid/gid instead of its own (docker's `cp`
    /// without `-a`).
    pub owner: Option<(u32, u32)>,
}

/// A tar stream being written from views.
pub struct TarWriter<W: Write> {
    tar: tar::Builder<W>,
    opts: TarOptions,
    /// (dev, ino) of multiply-linked files already written, and their names.
    links: HashMap<(u64, u64), Vec<u8>>,
}

const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";

impl<W: Write> TarWriter<W> {
    pub fn new(out: W, opts: TarOptions) -> TarWriter<W> {
        let mut tar = tar::Builder::new(out);
        tar.follow_symlinks(false);
        TarWriter {
            tar,
            opts,
            links: HashMap::new(),
        }
    }

    /// Writes the contents of `dir` with names under `prefix` (empty: at
    /// the archive root), recursively.
    pub fn contents(&mut self, prefix: &[u8], dir: &Dir) -> io::Result<()> {
        if dir.opaque {
            let name = join(prefix, OPAQUE_MARKER);
            self.marker(&name, &dir.stat()?)?;
        }
        for entry in dir.entries()? {
            let name = join(prefix, entry.name.as_bytes());
            self.entry(&name, &entry)?;
            if let Kind::Dir(sub) = &entry.kind {
                self.contents(&name, sub)?;
            }
        }
        Ok(())
    }

    /// Writes one entry (not a directory's contents) under `name`. Sockets
    /// are skipped, as docker skips them.
    pub fn entry(&mut self, name: &[u8], e: &Entry) -> io::Result<()> {
        if let Kind::Whiteout = e.kind {
            let (parent, base) = split_name(name);
            let wh = join(parent, &[b".wh.", base].concat());
            return self.marker(&wh, &e.stat);
        }
        let kind = file_kind(&e.stat);
        if kind == SFlag::S_IFSOCK {
            return Ok(());
        }
        let mut h = self.header(&e.stat);
        let path = Path::new(OsStr::from_bytes(name));
        if kind == SFlag::S_IFREG && e.stat.st_nlink > 1 {
            let key = (e.stat.st_dev, e.stat.st_ino);
            if let Some(first) = self.links.get(&key) {
                h.set_entry_type(tar::EntryType::Link);
                let first = Path::new(OsStr::from_bytes(first)).to_path_buf();
                return self.tar.append_link(&mut h, path, first);
            }
            self.links.insert(key, name.to_vec());
        }
        self.xattrs(e)?;
        match kind {
            SFlag::S_IFDIR => {
                h.set_entry_type(tar::EntryType::Directory);
                self.tar.append_data(&mut h, path, io::empty())
            }
            SFlag::S_IFLNK => {
                h.set_entry_type(tar::EntryType::Symlink);
                let target = readlinkat(e.parent.as_fd(), e.name.as_os_str())?;
                self.tar.append_link(&mut h, path, Path::new(&target))
            }
            SFlag::S_IFREG => {
                h.set_entry_type(tar::EntryType::Regular);
                let size = u64::try_from(e.stat.st_size).unwrap_or(0);
                h.set_size(size);
                let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                let file = File::from(openat(
                    e.parent.as_fd(),
                    e.name.as_os_str(),
                    flags,
                    Mode::empty(),
                )?);
                // A file that changes size while being read must still fill
                // exactly the size its header promised.
                let data = file.take(size).chain(io::repeat(0)).take(size);
                self.tar.append_data(&mut h, path, data)
            }
            SFlag::S_IFCHR | SFlag::S_IFBLK => {
                h.set_entry_type(if kind == SFlag::S_IFCHR {
                    tar::EntryType::Char
                } else {
                    tar::EntryType::Block
                });
                let rdev = e.stat.st_rdev;
                h.set_device_major(nix::sys::stat::major(rdev) as u32)?;
                h.set_device_minor(nix::sys::stat::minor(rdev) as u32)?;
                self.tar.append_data(&mut h, path, io::empty())
            }
            SFlag::S_IFIFO => {
                h.set_entry_type(tar::EntryType::Fifo);
                self.tar.append_data(&mut h, path, io::empty())
            }
            _ => Ok(()),
        }
    }

    /// Ends the archive and returns the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = self.tar.into_inner()?;
        out.flush()?;
        Ok(out)
    }

    /// An empty regular file standing for a whiteout or an opaque marker.
    fn marker(&mut self, name: &[u8], st: &FileStat) -> io::Result<()> {
        let mut h = self.header(st);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        let path = Path::new(OsStr::from_bytes(name));
        self.tar.append_data(&mut h, path, io::empty())
    }

    fn header(&self, st: &FileStat) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_mode(st.st_mode & 0o7777);
        let (uid, gid) = self.opts.owner.unwrap_or((st.st_uid, st.st_gid));
        h.set_uid(u64::from(uid));
        h.set_gid(u64::from(gid));
        h.set_mtime(u64::try_from(st.st_mtime).unwrap_or(0));
        h.set_size(0);
        h
    }

    /// The PAX header carrying the entry's `security.capability` and
    /// `user.*` attributes (overlay's own are bookkeeping, never content).
    fn xattrs(&mut self, e: &Entry) -> io::Result<()> {
        let mut records = Vec::new();
        for key in list_xattrs_at(e.parent.as_fd(), &e.name) {
            let wanted = key == b"security.capability"
                || (key.starts_with(b"user.") && !key.starts_with(b"user.overlay."));
            if !wanted {
                continue;
            }
            if let Some(value) = get_xattr_at(e.parent.as_fd(), &e.name, &key) {
                records.push(pax_record(
                    &[b"SCHILY.xattr.", key.as_slice()].concat(),
                    &value,
                ));
            }
        }
        if records.is_empty() {
            return Ok(());
        }
        let data = records.concat();
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::XHeader);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        // Readers ignore the name of a PAX header; keep it short and valid.
        h.set_path("PaxHeader")?;
        h.set_cksum();
        self.tar.append(&h, data.as_slice())
    }
}

/// One PAX record: `<len> <key>=<value>\n`, where len counts itself.
fn pax_record(key: &[u8], value: &[u8]) -> Vec<u8> {
    let rest = key.len() + value.len() + 3; // space, '=', newline
    let mut len = rest + 1;
    while len != rest + len.to_string().len() {
        len = rest + len.to_string().len();
    }
    let mut out = format!("{len} ").into_bytes();
    out.extend_from_slice(key);
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

pub(crate) fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    if prefix.is_empty() {
        return name.to_vec();
    }
    let mut out = prefix.to_vec();
    out.push(b'/');
    out.extend_from_slice(name);
    out
}

fn split_name(name: &[u8]) -> (&[u8], &[u8]) {
    match name.iter().rposition(|b| *b == b'/') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => (&[], name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_lengths_count_themselves() {
        let r = pax_record(b"SCHILY.xattr.user.a", b"v");
        let text = String::from_utf8(r.clone()).unwrap();
        let (len, _) = text.split_once(' ').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), r.len());
        // 9 bytes of payload plus a 2-digit length.
        let r = pax_record(b"k", b"12345");
        assert_eq!(r, b"11 k=12345\n");
    }

    #[test]
    fn names_join_and_split_on_the_last_slash() {
        assert_eq!(join(b"", b"a"), b"a");
        assert_eq!(join(b"a/b", b"c"), b"a/b/c");
        assert_eq!(split_name(b"a/b/c"), (&b"a/b"[..], &b"c"[..]));
        assert_eq!(split_name(b"c"), (&b""[..], &b"c"[..]));
    }
}
