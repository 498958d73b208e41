//! The attach protocol: typed frames over the monitor's stream socket.
//!
//! Each frame is a one-byte tag, a big-endian u32 payload length, and the
//! payload. The length prefix keeps terminal bytes and control messages
//! apart without escaping; the tag set is closed, so a peer that sends
//! anything else is cut off rather than guessed at.

use super::AttachError;

/// Largest payload a peer may announce; relay reads are 64 KiB, so anything
/// bigger means a confused or hostile peer.
pub const MAX_PAYLOAD: usize = 1 << 20;

const HEADER: usize = 5;

/// One message between the attaching client and the monitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Client → monitor: bytes for the container's stdin (or pty).
    /// Monitor → client: the container's stdout (or everything, with a tty).
    Data(Vec<u8>),
    /// Monitor → client: the container's stderr (containers without a tty).
    Stderr(Vec<u8>),
    /// Client → monitor: the client's terminal size changed.
    Resize { rows: u16, cols: u16 },
    /// Client → monitor: the client leaves; the container keeps running.
    Detach,
    /// Client → monitor: the client's stdin ended (docker closes the
    /// container's stdin pipe; with a tty the monitor types end-of-file).
    CloseStdin,
    /// Client → monitor: a signal the client received (`--sig-proxy`).
    Signal(i32),
    /// Monitor → client: the container exited with this status (128+N for
    /// signal N); sent after the exit is recorded.
    Exit(i32),
}

impl Frame {
    fn tag(&self) -> u8 {
        match self {
            Frame::Data(_) => 1,
            Frame::Stderr(_) => 2,
            Frame::Resize { .. } => 3,
            Frame::Detach => 4,
            Frame::CloseStdin => 5,
            Frame::Signal(_) => 6,
            Frame::Exit(_) => 7,
        }
    }

    /// Appends the encoded frame to `out`. Payloads over [`MAX_PAYLOAD`]
    /// are split into several `Data`/`Stderr` frames.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let mut put = |tag: u8, payload: &[u8]| {
            out.push(tag);
            out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
            out.extend_from_slice(payload);
        };
        match self {
            Frame::Data(b) | Frame::Stderr(b) => {
                if b.is_empty() {
                    put(self.tag(), b);
                }
                for chunk in b.chunks(MAX_PAYLOAD) {
                    put(self.tag(), chunk);
                }
            }
            Frame::Resize { rows, cols } => {
                let mut p = [0u8; 4];
                p[..2].copy_from_slice(&rows.to_be_bytes());
                p[2..].copy_from_slice(&cols.to_be_bytes());
                put(self.tag(), &p);
            }
            Frame::Detach | Frame::CloseStdin => put(self.tag(), &[]),
            Frame::Signal(n) | Frame::Exit(n) => put(self.tag(), &n.to_be_bytes()),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn decode(tag: u8, p: &[u8]) -> Result<Frame, AttachError> {
        let int = |p: &[u8]| -> Result<i32, AttachError> {
            let b: [u8; 4] = p.try_into().map_err(|_| {
                AttachError::Protocol(format!("frame {tag} needs 4 bytes, got {}", p.len()))
            })?;
            Ok(i32::from_be_bytes(b))
        };
        Ok(match tag {
            1 => Frame::Data(p.to_vec()),
            2 => Frame::Stderr(p.to_vec()),
            3 => {
                let n = int(p)? as u32;
                Frame::Resize {
                    rows: (n >> 16) as u16,
                    cols: n as u16,
                }
            }
            4 => Frame::Detach,
            5 => Frame::CloseStdin,
            6 => Frame::Signal(int(p)?),
            7 => Frame::Exit(int(p)?),
            other => return Err(AttachError::Protocol(format!("unknown frame type {other}"))),
        })
    }
}

/// Reassembles frames from a byte stream that may split them anywhere.
#[derive(Debug, Default)]
pub struct FrameReader {
    buf: Vec<u8>,
    start: usize,
}

impl FrameReader {
    pub fn push(&mut self, data: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next complete frame, `None` until one has fully arrived.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, AttachError> {
        let pending = &self.buf[self.start..];
        if pending.len() < HEADER {
            self.compact();
            return Ok(None);
        }
        let tag = pending[0];
        let len = u32::from_be_bytes([pending[1], pending[2], pending[3], pending[4]]) as usize;
        if len > MAX_PAYLOAD {
            return Err(AttachError::Protocol(format!(
                "frame of {len} bytes is over the {MAX_PAYLOAD}-byte limit"
            )));
        }
        if pending.len() < HEADER + len {
            self.compact();
            return Ok(None);
        }
        let frame = Frame::decode(tag, &pending[HEADER..HEADER + len])?;
        self.start += HEADER + len;
        Ok(Some(frame))
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Frame> {
        vec![
            Frame::Data(b"echo hello\r".to_vec()),
            Frame::Stderr(b"oops\n".to_vec()),
            Frame::Data(Vec::new()),
            Frame::Resize {
                rows: 40,
                cols: 132,
            },
            Frame::Detach,
            Frame::CloseStdin,
            Frame::Signal(15),
            Frame::Exit(137),
            Frame::Exit(-1),
        ]
    }

    #[test]
    fn every_frame_survives_a_round_trip_even_split_byte_by_byte() {
        let mut wire = Vec::new();
        for f in all() {
            f.encode_into(&mut wire);
        }
        let mut r = FrameReader::default();
        let mut got = Vec::new();
        for b in &wire {
            r.push(std::slice::from_ref(b));
            while let Some(f) = r.next_frame().expect("valid stream") {
                got.push(f);
            }
        }
        assert_eq!(got, all());
    }

    #[test]
    fn resize_is_rows_then_cols_big_endian() {
        let wire = Frame::Resize { rows: 1, cols: 2 }.encode();
        assert_eq!(wire, vec![3, 0, 0, 0, 4, 0, 1, 0, 2]);
    }

    #[test]
    fn oversized_data_is_split_into_frames_under_the_limit() {
        let big = vec![7u8; MAX_PAYLOAD + 10];
        let wire = Frame::Data(big.clone()).encode();
        let mut r = FrameReader::default();
        r.push(&wire);
        let mut joined = Vec::new();
        while let Some(Frame::Data(d)) = r.next_frame().expect("valid stream") {
            assert!(d.len() <= MAX_PAYLOAD);
            joined.extend(d);
        }
        assert_eq!(joined, big);
    }

    #[test]
    fn unknown_tags_short_payloads_and_huge_lengths_are_errors() {
        let mut r = FrameReader::default();
        r.push(&[9, 0, 0, 0, 0]);
        assert!(matches!(r.next_frame(), Err(AttachError::Protocol(_))));

        let mut r = FrameReader::default();
        r.push(&[7, 0, 0, 0, 2, 0, 1]);
        assert!(matches!(r.next_frame(), Err(AttachError::Protocol(_))));

        let mut r = FrameReader::default();
        r.push(&[1, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(r.next_frame(), Err(AttachError::Protocol(_))));
    }

    #[test]
    fn a_partial_frame_waits_for_the_rest() {
        let wire = Frame::Data(b"abc".to_vec()).encode();
        let mut r = FrameReader::default();
        r.push(&wire[..6]);
        assert_eq!(r.next_frame().expect("valid"), None);
        r.push(&wire[6..]);
        assert_eq!(
            r.next_frame().expect("valid"),
            Some(Frame::Data(b"abc".to_vec()))
        );
        assert_eq!(r.next_frame().expect("valid"), None);
    }
}
