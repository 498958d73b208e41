//! `--since`/`--until` values, read as docker's `timetypes.GetTimestamp`
//! reads them: a Go duration before now (`10m`, `1h30m`, `-5s` for the
//! future), an RFC 3339 date or a shorter prefix of one (`2026-11-23`,
//! `2026-11-23T10`, `2026-11-23T10:00`, with or without a zone; without one
//! it is local time), or a unix timestamp with an optional fraction
//! (`1700000000.5`).

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TimeError {
    #[error("failed to parse value as time or duration: {0:?} (use a unix timestamp, an RFC 3339 date like 2026-11-23T10:00:00Z, or a duration like 10m)")]
    Unparsable(String),
    #[error("cannot parse {0:?} as a date: {1} (expected RFC 3339, like 2026-11-23T10:00:00Z)")]
    BadDate(String, String),
}

const NANOS: i64 = 1_000_000_000;

/// Parses `value` into nanoseconds since the epoch; durations count back
/// from `now` (nanoseconds since the epoch).
pub fn parse_time(value: &str, now: i64) -> Result<i64, TimeError> {
    let local = chrono::Local::now().offset().fix();
    parse_time_in(value, now, local)
}

fn parse_time_in(value: &str, now: i64, local: FixedOffset) -> Result<i64, TimeError> {
    if value != "0" {
        if let Some(d) = parse_go_duration(value) {
            // docker sends whole seconds for a duration.
            return Ok((now - d).div_euclid(NANOS) * NANOS);
        }
    }
    let zoned = value.contains(['z', 'Z', '+']) || value.matches('-').count() == 3;
    let parsed = if zoned {
        parse_zoned(value)
    } else {
        parse_local(value, local)
    };
    match parsed {
        Some(t) => Ok(t),
        None if value.contains('-') => Err(TimeError::BadDate(
            value.to_string(),
            "not a valid date and time".to_string(),
        )),
        None => parse_unix(value).ok_or_else(|| TimeError::Unparsable(value.to_string())),
    }
}

fn nanos_of<Tz: TimeZone>(t: DateTime<Tz>) -> Option<i64> {
    t.timestamp_nanos_opt()
}

/// `2026-11-23`, `…T10`, `…T10:00` become a full `…T10:00:00`.
fn complete_time(body: &str) -> String {
    match body.split_once('T') {
        None => format!("{body}T00:00:00"),
        Some((_, time)) => match time.matches(':').count() {
            0 => format!("{body}:00:00"),
            1 => format!("{body}:00"),
            _ => body.to_string(),
        },
    }
}

fn parse_zoned(value: &str) -> Option<i64> {
    let (body, zone) = if let Some(b) = value.strip_suffix(['Z', 'z']) {
        (b, "+00:00")
    } else {
        // The zone's sign comes after the date's own dashes.
        let at = value.rfind(['+', '-']).filter(|&i| i >= 10)?;
        value.split_at(at)
    };
    let full = format!("{}{zone}", complete_time(body));
    DateTime::parse_from_rfc3339(&full).ok().and_then(nanos_of)
}

fn parse_local(value: &str, local: FixedOffset) -> Option<i64> {
    let full = complete_time(value);
    let naive = NaiveDateTime::parse_from_str(&full, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    local
        .from_local_datetime(&naive)
        .single()
        .and_then(nanos_of)
}

/// `secs` or `secs.fraction`, the fraction scaled to nanoseconds.
fn parse_unix(value: &str) -> Option<i64> {
    let (secs, frac) = match value.split_once('.') {
        Some((s, f)) => (s, Some(f)),
        None => (value, None),
    };
    let secs: i64 = secs.parse().ok()?;
    let nanos = match frac {
        None => 0,
        Some(f) if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return None
        }
        Some(f) => f.parse::<i64>().ok()? * 10i64.pow(9 - f.len() as u32),
    };
    secs.checked_mul(NANOS)?.checked_add(nanos)
}

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]` then one or more
/// `<number><unit>` with units ns, us (µs), ms, s, m, h.
pub fn parse_go_duration(s: &str) -> Option<i64> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..num_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * scale;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    let n = total.round() as i64;
    Some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000 * NANOS + 123_456_789;

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).expect("offset")
    }

    #[test]
    fn go_durations_parse_like_go() {
        assert_eq!(parse_go_duration("10m"), Some(600 * NANOS));
        assert_eq!(parse_go_duration("1h30m"), Some(5400 * NANOS));
        assert_eq!(parse_go_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_go_duration("-2s"), Some(-2 * NANOS));
        assert_eq!(parse_go_duration("300ms"), Some(300_000_000));
        assert_eq!(parse_go_duration("0"), Some(0));
        for bad in ["", "10", "m", "1x", "1.2.3s", "-"] {
            assert_eq!(parse_go_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_count_back_from_now_in_whole_seconds() {
        assert_eq!(
            parse_time_in("10m", NOW, utc()),
            Ok((1_700_000_000 - 600) * NANOS)
        );
        assert_eq!(
            parse_time_in("-1m", NOW, utc()),
            Ok((1_700_000_000 + 60) * NANOS)
        );
    }

    #[test]
    fn unix_timestamps_keep_their_fraction() {
        assert_eq!(
            parse_time_in("1700000000", NOW, utc()),
            Ok(1_700_000_000 * NANOS)
        );
        assert_eq!(
            parse_time_in("1700000000.5", NOW, utc()),
            Ok(1_700_000_000 * NANOS + 500_000_000)
        );
        assert_eq!(parse_time_in("0", NOW, utc()), Ok(0));
    }

    #[test]
    fn rfc3339_dates_and_their_prefixes() {
        let t = 1_700_000_000 * NANOS; // 2023-11-14T22:13:20Z
        assert_eq!(parse_time_in("2023-11-14T22:13:20Z", NOW, utc()), Ok(t));
        assert_eq!(
            parse_time_in("2023-11-14T22:13:20.25Z", NOW, utc()),
            Ok(t + 250_000_000)
        );
        assert_eq!(
            parse_time_in("2023-11-14T23:13:20+01:00", NOW, utc()),
            Ok(t)
        );
        assert_eq!(
            parse_time_in("2023-11-14T21:13:20-01:00", NOW, utc()),
            Ok(t)
        );
        assert_eq!(
            parse_time_in("2023-11-14T22:13Z", NOW, utc()),
            Ok(t - 20 * NANOS)
        );
        assert_eq!(
            parse_time_in("2023-11-14", NOW, utc()),
            Ok(t - (22 * 3600 + 13 * 60 + 20) * NANOS)
        );
    }

    #[test]
    fn dates_without_a_zone_are_local_time() {
        let t = 1_700_000_000 * NANOS;
        let plus_two = FixedOffset::east_opt(2 * 3600).expect("offset");
        assert_eq!(parse_time_in("2023-11-15T00:13:20", NOW, plus_two), Ok(t));
        assert_eq!(
            parse_time_in("2023-11-15T00", NOW, plus_two),
            Ok(t - 800 * NANOS)
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            parse_time_in("yesterday", NOW, utc()),
            Err(TimeError::Unparsable(_))
        ));
        assert!(matches!(
            parse_time_in("2023-13-45", NOW, utc()),
            Err(TimeError::BadDate(..))
        ));
        assert!(parse_time_in("12.abc", NOW, utc()).is_err());
    }
}
