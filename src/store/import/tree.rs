//! Tarring a directory for `import_dir`, and the in-process pipe that feeds
//! the tar to the importer while it is written.
//!
//! The pipe is a bounded channel rather than pipe(2): a closed OS pipe
//! raises SIGPIPE, which a CLI may have set to kill the process.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

const CHUNK: usize = 256 * 1024;
/// Chunks in flight: bounds the memory between producer and consumer.
const DEPTH: usize = 8;

pub struct PipeWriter {
    tx: SyncSender<Vec<u8>>,
    buf: Vec<u8>,
}

pub struct PipeReader {
    rx: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
}

pub fn pipe() -> (PipeReader, PipeWriter) {
    let (tx, rx) = sync_channel(DEPTH);
    (
        PipeReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
        },
        PipeWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        },
    )
}

impl PipeWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the importer stopped reading"))
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for PipeWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            match self.rx.recv() {
                Ok(chunk) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                // The writer is gone: end of stream.
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Writes `root`'s contents as a layer tar: names relative to `root`,
/// sorted (so the same tree gives the same diff id), owners, modes and
/// mtimes kept, hard links as link entries, sockets skipped (as docker does).
pub fn write_tree(root: &Path, out: impl Write) -> io::Result<()> {
    let mut tar = tar::Builder::new(out);
    tar.follow_symlinks(false);
    let mut links = HashMap::new();
    walk(&mut tar, root, Path::new(""), &mut links)?;
    tar.into_inner()?.flush()
}

fn walk<W: Write>(
    tar: &mut tar::Builder<W>,
    dir: &Path,
    prefix: &Path,
    links: &mut HashMap<(u64, u64), PathBuf>,
) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = prefix.join(entry.file_name());
        let meta = fs::symlink_metadata(&path)?;
        let ft = meta.file_type();
        let mut h = tar::Header::new_gnu();
        h.set_metadata_in_mode(&meta, tar::HeaderMode::Complete);
        // Permission bits only; the type lives in the entry type.
        h.set_mode(meta.mode() & 0o7777);
        h.set_size(0);
        if ft.is_dir() {
            tar.append_data(&mut h, &name, io::empty())?;
            walk(tar, &path, &name, links)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&path)?;
            tar.append_link(&mut h, &name, target)?;
        } else if ft.is_file() {
            if meta.nlink() > 1 {
                let key = (meta.dev(), meta.ino());
                if let Some(first) = links.get(&key) {
                    h.set_entry_type(tar::EntryType::Link);
                    tar.append_link(&mut h, &name, first)?;
                    continue;
                }
                links.insert(key, name.clone());
            }
            h.set_size(meta.len());
            let file = File::open(&path)?;
            // A file that changes size while being read must still fill
            // exactly the size its header promised.
            let data = file.take(meta.len()).chain(io::repeat(0)).take(meta.len());
            tar.append_data(&mut h, &name, data)?;
        } else if ft.is_char_device() || ft.is_block_device() {
            let rdev = meta.rdev();
            h.set_device_major(nix::sys::stat::major(rdev) as u32)?;
            h.set_device_minor(nix::sys::stat::minor(rdev) as u32)?;
            tar.append_data(&mut h, &name, io::empty())?;
        } else if ft.is_fifo() {
            tar.append_data(&mut h, &name, io::empty())?;
        }
    }
    Ok(())
}
