//! Instants as servers send them (RFC 3339 with any offset and 0-9 fractional digits, or
//! TrueNAS's EJSON `{"$date": ms}`), kept as UTC milliseconds and written back as
//! `YYYY-MM-DDTHH:MM:SS.mmmZ`.
//!
//! JIM mixes `...52.9642208Z` and `...52.96422+00:00` in one response (contracts-jim.md,
//! "Timestamps: parse tolerantly"), so parsing accepts both and compares instants, not text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// `0000-01-01T00:00:00.000Z`, the earliest instant RFC 3339 can write.
    pub const MIN: Timestamp = Timestamp(-62_167_219_200_000);
    /// `9999-12-31T23:59:59.999Z`, the latest instant RFC 3339 can write.
    pub const MAX: Timestamp = Timestamp(253_402_300_799_999);

    pub fn now() -> Self {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(d.as_millis() as i64)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 (`T` or space, `Z` or `±HH:MM`, any number of fraction digits).
    /// A value without an offset is taken as UTC.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        if b.len() < 19 {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let s = std::str::from_utf8(b.get(r)?).ok()?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 3 {
                    millis = millis * 10 + i64::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..3 {
                millis *= 10;
            }
        }
        let offset_minutes = match b.get(i) {
            None => 0,
            Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return None;
                }
                let m = oh * 60 + om;
                if sign == b'-' {
                    -m
                } else {
                    m
                }
            }
            _ => return None,
        };
        // Reject impossible dates (2026-02-31) rather than roll them into the next month:
        // an expiry must mean the day the user wrote.
        if day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        let t = Timestamp(secs * 1000 + millis);
        // An offset can move the instant out of the years RFC 3339 can write (0000-9999):
        // `0000-01-01T00:00:00+01:00` is in year -1 and would be sent on as `-001-...`
        // (fuzz/regressions/timestamp-offset-before-year-0).
        (Timestamp::MIN..=Timestamp::MAX).contains(&t).then_some(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1000);
        let ms = self.0.rem_euclid(1000);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("'{text}' is not an RFC 3339 date-time"))
        })
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms (public domain), proleptic Gregorian.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_jim_form_to_the_same_instant() {
        let a = Timestamp::parse("2026-11-25T09:13:52.9642208Z").unwrap();
        let b = Timestamp::parse("2026-11-25T09:13:52.96422+00:00").unwrap();
        let c = Timestamp::parse("2026-11-25T10:13:52.964+01:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.to_string(), "2026-11-25T09:13:52.964Z");
    }

    #[test]
    fn round_trips_and_rejects_garbage() {
        for t in [
            "1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.500Z",
        ] {
            assert_eq!(Timestamp::parse(t).unwrap().to_string(), t);
        }
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-11-25",
            "2026-11-25T09:13:52+0100",
            "x026-11-25T09:13:52Z",
            "2026-11-25T09:13:52+24:00",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-25T09:13:52+01:60",
            "0000-01-01T00:00:00+00:01",
            "9999-12-31T23:59:59-00:01",
            "9999-12-31T23:59:60Z",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:01Z").unwrap().millis(),
            1000
        );
        assert_eq!(
            Timestamp::MIN.to_string(),
            "0000-01-01T00:00:00.000Z",
            "MIN is the first instant of year 0"
        );
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            Timestamp::parse("0000-01-01T00:00:00Z"),
            Some(Timestamp::MIN)
        );
        assert_eq!(
            Timestamp::parse("9999-12-31T23:59:59.999999Z"),
            Some(Timestamp::MAX)
        );
    }
}
