//! Tarring a directory for `import_dir`, and the in-process pipe that feeds
//! the tar to the importer while it is written.
//!
//! The pipe is a bounded channel rather than pipe(2): a closed OS pipe
//! raises SIGPIPE, which a CLI may have set to kill the process.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use crate::store::diff::layer_tar::{TarOptions, TarWriter};
use crate::store::diff::view::{Dir, Whiteouts, DIR_FLAGS};

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
/// sorted (so the same tree gives the same diff id), owners, modes, mtimes
/// and image xattrs kept, hard links as link entries, sockets skipped (as
/// docker does). The walk never follows a symlink (see `store::diff`).
pub fn write_tree(root: &Path, out: impl Write) -> io::Result<()> {
    // The root itself may be a symlink the user named; nothing below it is followed.
    let flags = DIR_FLAGS.difference(nix::fcntl::OFlag::O_NOFOLLOW);
    let fd = nix::fcntl::open(root, flags, nix::sys::stat::Mode::empty())?;
    let dir = Dir::new(vec![fd], Whiteouts::Plain)?;
    let mut tar = TarWriter::new(out, TarOptions::default());
    tar.contents(b"", &dir)?;
    tar.finish().map(drop)
}
