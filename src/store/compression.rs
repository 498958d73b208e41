//! Layer compression: recognising gzip and zstd by their magic bytes (the
//! media type of a layer is not always truthful, and `docker load` archives
//! carry none), decompressing as a stream, and compressing for push/save.

use std::io::{self, BufReader, Cursor, Read, Write};

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Identifies the compression from the first bytes of a blob (four are
/// enough); anything unrecognised is taken as uncompressed.
pub fn sniff(prefix: &[u8]) -> Compression {
    if prefix.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else if prefix.starts_with(&ZSTD_MAGIC) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Wraps `r` in the decompressor its first bytes call for, or passes it
/// through. Concatenated gzip members (as pigz and some registries write)
/// and concatenated zstd frames are read as one stream. Corrupt or truncated
/// input surfaces as an error from `read`.
pub fn decompressing_reader<R: Read + Send + 'static>(r: R) -> io::Result<Box<dyn Read + Send>> {
    let mut r = r;
    // A network stream may hand out fewer bytes per read than the magic
    // needs, so read until four bytes or the end.
    let mut magic = [0u8; ZSTD_MAGIC.len()];
    let mut have = 0;
    while have < magic.len() {
        match r.read(&mut magic[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let prefix = magic[..have].to_vec();
    let kind = sniff(&prefix);
    let whole = Cursor::new(prefix).chain(r);
    Ok(match kind {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(whole)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(whole)?),
        // tar reads in 512-byte steps; buffer the raw stream.
        Compression::None => Box::new(BufReader::with_capacity(64 * 1024, whole)),
    })
}

/// A gzip compressor for pushed and saved layers. The fast level: layers
/// are large and the time of push and save matters more than a few percent
/// of size.
pub fn gzip_writer<W: Write>(w: W) -> flate2::write::GzEncoder<W> {
    flate2::write::GzEncoder::new(w, flate2::Compression::fast())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out one byte per read, like a slow network stream.
    struct Trickle(Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1);
            self.0.read(&mut buf[..n])
        }
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut w = gzip_writer(Vec::new());
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    fn read_all(r: impl Read + Send + 'static) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        decompressing_reader(r)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn sniff_recognises_magic_bytes() {
        assert_eq!(sniff(&[0x1f, 0x8b, 0x08, 0x00]), Compression::Gzip);
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0x00]), Compression::Zstd);
        assert_eq!(sniff(b"ustar"), Compression::None);
        assert_eq!(sniff(&[0x28, 0xb5]), Compression::None);
        assert_eq!(sniff(&[]), Compression::None);
    }

    #[test]
    fn gzip_round_trips_even_through_one_byte_reads() {
        let data = b"hello layer ".repeat(1000);
        let out = read_all(Trickle(Cursor::new(gzip(&data)))).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn concatenated_gzip_members_read_as_one_stream() {
        let mut blob = gzip(b"first ");
        blob.extend(gzip(b"second"));
        assert_eq!(read_all(Cursor::new(blob)).unwrap(), b"first second");
    }

    #[test]
    fn zstd_round_trips() {
        let data = b"zstd layer ".repeat(1000);
        let blob = zstd::encode_all(&data[..], 3).unwrap();
        assert_eq!(read_all(Trickle(Cursor::new(blob))).unwrap(), data);
    }

    #[test]
    fn uncompressed_input_passes_through() {
        assert_eq!(read_all(Cursor::new(b"abc".to_vec())).unwrap(), b"abc");
        assert_eq!(read_all(Cursor::new(Vec::new())).unwrap(), b"");
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let blob = gzip(&b"some data that compresses ".repeat(100));
        let cut = blob[..blob.len() - 6].to_vec();
        assert!(read_all(Cursor::new(cut)).is_err());
    }

    #[test]
    fn truncated_zstd_is_an_error() {
        let blob = zstd::encode_all(&b"zstd data ".repeat(100)[..], 3).unwrap();
        let cut = blob[..blob.len() - 3].to_vec();
        assert!(read_all(Cursor::new(cut)).is_err());
    }
}
