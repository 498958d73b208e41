//! /etc/subuid and /etc/subgid: the id ranges an ordinary user may map
//! into a user namespace through the setuid newuidmap/newgidmap helpers.

use std::path::Path;

/// One `name:start:count` line that applies to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubidRange {
    pub start: u32,
    pub count: u32,
}

/// The ranges in `text` (the contents of /etc/subuid or /etc/subgid) that
/// belong to the user, named either by login name or by numeric id, in file
/// order. Malformed lines are skipped, as shadow-utils does.
pub fn ranges_for(text: &str, name: Option<&str>, id: u32) -> Vec<SubidRange> {
    let id_text = id.to_string();
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let mut parts = line.split(':');
            let (owner, start, count) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            let mine = Some(owner) == name || owner == id_text;
            let range = SubidRange {
                start: start.trim().parse().ok()?,
                count: count.trim().parse().ok()?,
            };
            (mine && range.count > 0).then_some(range)
        })
        .collect()
}

/// Reads `path` and returns the user's ranges; a missing file has none.
pub fn read_ranges(path: &Path, name: Option<&str>, id: u32) -> std::io::Result<Vec<SubidRange>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(ranges_for(&text, name, id)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The arguments newuidmap/newgidmap take after the pid: the caller's own
/// id becomes 0 and the ranges follow from 1, one after another, which is
/// podman's layout (so images' ids 1..65536 land in the first range).
pub fn map_args(own: u32, ranges: &[SubidRange]) -> Vec<String> {
    let mut args = vec!["0".to_string(), own.to_string(), "1".to_string()];
    let mut next: u64 = 1;
    for r in ranges {
        // The kernel's ids are 32-bit: stop before the inside ids overflow.
        if next + u64::from(r.count) > u64::from(u32::MAX) {
            break;
        }
        args.extend([next.to_string(), r.start.to_string(), r.count.to_string()]);
        next += u64::from(r.count);
    }
    args
}

/// How many ids the namespace has with these ranges (the caller's own included).
pub fn mapped_size(ranges: &[SubidRange]) -> u64 {
    1 + ranges.iter().map(|r| u64::from(r.count)).sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# comment
alice:100000:65536
bob:165536:65536
1001:300000:1000
broken line
carol:x:5
alice:500000:10
dave:1:0
";

    #[test]
    fn ranges_match_by_name_or_id_in_file_order() {
        assert_eq!(
            ranges_for(FILE, Some("alice"), 1000),
            vec![
                SubidRange {
                    start: 100000,
                    count: 65536
                },
                SubidRange {
                    start: 500000,
                    count: 10
                }
            ]
        );
        assert_eq!(
            ranges_for(FILE, Some("erin"), 1001),
            vec![SubidRange {
                start: 300000,
                count: 1000
            }]
        );
        assert!(ranges_for(FILE, Some("carol"), 7).is_empty());
        assert!(ranges_for(FILE, Some("dave"), 8).is_empty());
        assert!(ranges_for(FILE, None, 9).is_empty());
    }

    #[test]
    fn map_args_put_the_user_at_zero_and_ranges_after_it() {
        let ranges = ranges_for(FILE, Some("alice"), 1000);
        assert_eq!(
            map_args(1000, &ranges),
            ["0", "1000", "1", "1", "100000", "65536", "65537", "500000", "10"]
        );
        assert_eq!(mapped_size(&ranges), 1 + 65536 + 10);
        assert_eq!(map_args(5, &[]), ["0", "5", "1"]);
    }

    #[test]
    fn map_args_stop_before_the_id_space_overflows() {
        let huge = [
            SubidRange {
                start: 1 << 20,
                count: u32::MAX - 10,
            },
            SubidRange {
                start: 7,
                count: 100,
            },
        ];
        assert_eq!(map_args(1, &huge).len(), 6);
    }
}
