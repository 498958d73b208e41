//! `--detach-keys`: docker's key-sequence syntax and the scanner that
//! watches the user's keystrokes for it.

use super::AttachError;

/// docker's default: Ctrl-P Ctrl-Q.
pub const DEFAULT_DETACH_KEYS: &str = "ctrl-p,ctrl-q";

/// A parsed detach sequence, as the bytes a terminal sends for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetachKeys(Vec<u8>);

impl DetachKeys {
    /// Parses docker's syntax: comma-separated keys, each a single
    /// character or `ctrl-<value>` where value is a letter or one of
    /// `@ [ \ ] ^ _`. An empty string means docker's default.
    pub fn parse(spec: &str) -> Result<DetachKeys, AttachError> {
        let spec = if spec.is_empty() {
            DEFAULT_DETACH_KEYS
        } else {
            spec
        };
        let mut bytes = Vec::new();
        for key in spec.split(',') {
            bytes.push(key_byte(key).ok_or_else(|| AttachError::DetachKeys(key.to_string()))?);
        }
        Ok(DetachKeys(bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Default for DetachKeys {
    fn default() -> Self {
        DetachKeys(vec![0x10, 0x11])
    }
}

fn key_byte(key: &str) -> Option<u8> {
    if key.len() == 1 {
        return key.bytes().next();
    }
    let rest = key.strip_prefix("ctrl-")?;
    let [c] = rest.as_bytes() else {
        return None;
    };
    match c.to_ascii_lowercase() {
        c @ b'a'..=b'z' => Some(c - b'a' + 1),
        b'@' => Some(0),
        b'[' => Some(27),
        b'\\' => Some(28),
        b']' => Some(29),
        b'^' => Some(30),
        b'_' => Some(31),
        _ => None,
    }
}

/// What one chunk of keystrokes amounts to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Bytes to send to the container.
    pub forward: Vec<u8>,
    /// The whole sequence was typed: detach, send nothing more.
    pub detach: bool,
}

/// Holds back a partial detach sequence until it either completes (detach)
/// or breaks (then the held keys go to the container after all, as
/// docker's escape proxy does).
#[derive(Debug)]
pub struct DetachScanner {
    keys: DetachKeys,
    matched: usize,
}

impl DetachScanner {
    pub fn new(keys: DetachKeys) -> DetachScanner {
        DetachScanner { keys, matched: 0 }
    }

    pub fn feed(&mut self, input: &[u8]) -> Scanned {
        let seq = self.keys.bytes();
        let mut out = Scanned::default();
        if seq.is_empty() {
            out.forward.extend_from_slice(input);
            return out;
        }
        for &b in input {
            if b == seq[self.matched] {
                self.matched += 1;
                if self.matched == seq.len() {
                    out.detach = true;
                    return out;
                }
                continue;
            }
            // A broken prefix: what was held is ordinary input. The byte
            // that broke it may itself start the sequence again.
            out.forward.extend_from_slice(&seq[..self.matched]);
            self.matched = 0;
            if b == seq[0] {
                self.matched = 1;
                if seq.len() == 1 {
                    out.detach = true;
                    return out;
                }
            } else {
                out.forward.push(b);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> DetachKeys {
        DetachKeys::parse(s).expect("valid keys")
    }

    #[test]
    fn parses_docker_syntax() {
        assert_eq!(keys("ctrl-p,ctrl-q").bytes(), &[0x10, 0x11]);
        assert_eq!(keys("").bytes(), &[0x10, 0x11]);
        assert_eq!(keys("ctrl-x,x").bytes(), &[0x18, b'x']);
        assert_eq!(
            keys("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_").bytes(),
            &[0, 27, 28, 29, 30, 31]
        );
        assert_eq!(keys("a,b,c").bytes(), b"abc");
        assert_eq!(DetachKeys::default(), keys(DEFAULT_DETACH_KEYS));
    }

    #[test]
    fn rejects_unknown_keys_naming_them() {
        for bad in ["ctrl-", "ctrl-1", "shift-a", "ab", "ctrl-p,,ctrl-q"] {
            match DetachKeys::parse(bad) {
                Err(AttachError::DetachKeys(_)) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        let msg = DetachKeys::parse("ctrl-p,meta-q")
            .expect_err("invalid")
            .to_string();
        assert!(msg.contains("meta-q"), "{msg}");
    }

    #[test]
    fn the_full_sequence_detaches_and_is_not_forwarded() {
        let mut s = DetachScanner::new(keys("ctrl-p,ctrl-q"));
        let r = s.feed(b"ls\r\x10\x11trailing");
        assert_eq!(r.forward, b"ls\r");
        assert!(r.detach);
    }

    #[test]
    fn a_sequence_split_across_reads_still_detaches() {
        let mut s = DetachScanner::new(keys("ctrl-x,x"));
        let r = s.feed(b"a\x18");
        assert_eq!(r.forward, b"a");
        assert!(!r.detach);
        assert!(s.feed(b"x").detach);
    }

    #[test]
    fn a_broken_prefix_is_forwarded_after_all() {
        let mut s = DetachScanner::new(keys("ctrl-p,ctrl-q"));
        let r = s.feed(b"\x10");
        assert!(r.forward.is_empty());
        let r = s.feed(b"k");
        assert_eq!(r.forward, b"\x10k");
        assert!(!r.detach);
        // Ctrl-P Ctrl-P Ctrl-Q: the first is typed, the rest detaches.
        let r = s.feed(b"\x10\x10\x11");
        assert_eq!(r.forward, b"\x10");
        assert!(r.detach);
    }

    #[test]
    fn a_single_key_sequence_detaches_at_once() {
        let mut s = DetachScanner::new(keys("ctrl-a"));
        let r = s.feed(b"xy\x01z");
        assert_eq!(r.forward, b"xy");
        assert!(r.detach);
    }
}
