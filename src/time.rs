//! Time for every stage: reading instants and durations, the rule set's zone and "now",
//! and the local hour and weekday that rules test.
//!
//! An instant travels through the pipeline as a [`Decimal`] of seconds since the Unix
//! epoch, so that checking, compiling, analysis and deciding treat `before`, `after`,
//! `between` and `older than` with the same interval machinery as amounts. Zone rules
//! come from jiff's bundled time zone database: no offset is ever computed by hand.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The weekdays as rules name them, Monday first (`weekday of F` is one of these).
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Where and when a rule set decides: its time zone, and the "now" that `older than`
/// and `within` measure from.
#[derive(Debug, Clone)]
pub struct Clock {
    pub zone: TimeZone,
    pub now: Timestamp,
}

impl Default for Clock {
    /// UTC, at the moment the rule set is loaded (a run that must be repeatable says
    /// `--now`).
    fn default() -> Self {
        Clock {
            zone: TimeZone::UTC,
            now: Timestamp::now(),
        }
    }
}

impl Clock {
    /// Sets "now" from text such as `2026-12-01T02:00:00+08:00` (without an offset: in
    /// the clock's zone).
    pub fn set_now(&mut self, text: &str) -> Result<(), TimeError> {
        self.now = parse_instant(text, &self.zone)?;
        Ok(())
    }

    /// The zone's name as the header wrote it (`UTC` when it names none).
    pub fn zone_name(&self) -> &str {
        self.zone.iana_name().unwrap_or("UTC")
    }

    /// `now` as a value, in the rule set's zone: `2026-12-01T08:00:00+08:00`.
    pub fn now_text(&self) -> String {
        show(self.now, &self.zone)
    }

    /// Seconds from `instant` to now: positive in the past, negative in the future.
    pub fn age(&self, instant: Decimal) -> Decimal {
        seconds(self.now) - instant
    }

    /// The local hour, 0 to 23.
    pub fn hour(&self, instant: Decimal) -> Decimal {
        Decimal::from(self.zone.to_datetime(timestamp(instant)).hour())
    }

    /// The local weekday, as an index into [`WEEKDAYS`].
    pub fn weekday(&self, instant: Decimal) -> u32 {
        let day = self.zone.to_datetime(timestamp(instant)).weekday();
        u32::try_from(day.to_monday_zero_offset()).expect("a weekday is 0 to 6")
    }
}

/// An instant as seconds since the epoch, exact to the nanosecond.
pub fn seconds(t: Timestamp) -> Decimal {
    let whole = Decimal::from(t.as_second());
    match t.subsec_nanosecond() {
        0 => whole,
        n => whole + Decimal::new(i64::from(n), 9),
    }
}

/// The instant `seconds` stands for, clamped into the range jiff represents (values
/// that far out only come from the analysis' representatives).
pub fn timestamp(seconds: Decimal) -> Timestamp {
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * Decimal::from(1_000_000_000))
        .to_i32()
        .unwrap_or(0);
    let s = whole.to_i64().unwrap_or(if whole.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    });
    let s = s.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second() - 1);
    Timestamp::new(s, nanos).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An instant as a person reads it in `zone`: `2026-11-11T20:00:00+08:00` (`Z` in UTC).
pub fn show(t: Timestamp, zone: &TimeZone) -> String {
    let offset = zone.to_offset(t);
    let local = offset.to_datetime(t);
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    );
    let ns = local.subsec_nanosecond();
    if ns != 0 {
        let frac = format!("{ns:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    let secs = offset.seconds();
    if secs == 0 {
        s.push('Z');
    } else {
        let sign = if secs < 0 { '-' } else { '+' };
        let abs = secs.unsigned_abs();
        s.push_str(&format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60));
    }
    s
}

/// A value in seconds (from [`seconds`]) shown as an instant in `zone`.
pub fn show_seconds(seconds: Decimal, zone: &TimeZone) -> String {
    show(timestamp(seconds), zone)
}

/// Why a text is not an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Not in any form this reads.
    Form,
    /// The form is right but the calendar or clock has no such value (`2026-02-30`).
    Impossible(String),
}

impl TimeError {
    pub fn reason(&self) -> String {
        match self {
            TimeError::Form => {
                "not a date and time such as `2026-11-11T20:00:00+08:00` or `2026-11-11 20:00:00`"
                    .into()
            }
            TimeError::Impossible(why) => why.clone(),
        }
    }
}

/// Reads an ISO 8601 / RFC 3339 instant: `2026-11-11`, `2026-11-11T20:00`,
/// `2026-11-11 20:00:00`, `2026-11-11T20:00:00.5+08:00`, `…Z`. A value without an
/// offset is local time in `zone`; a date alone is its midnight.
pub fn parse_instant(text: &str, zone: &TimeZone) -> Result<Timestamp, TimeError> {
    let (civil, offset) = parse_parts(text.as_bytes())?;
    let dt = civil_datetime(&civil)?;
    match offset {
        Some(secs) => {
            let off = Offset::from_seconds(secs).map_err(|_| TimeError::Form)?;
            off.to_timestamp(dt).map_err(|_| TimeError::Form)
        }
        // A local time that a change of clocks skips or repeats takes jiff's
        // "compatible" choice: the later reading in a gap, the earlier in a fold.
        None => zone.to_timestamp(dt).map_err(|_| TimeError::Form),
    }
}

/// Year, month, day, hour, minute, second, nanosecond, as read.
struct Civil([i64; 7]);

/// Splits the text into its civil parts and an offset in seconds, checking only the form.
fn parse_parts(b: &[u8]) -> Result<(Civil, Option<i32>), TimeError> {
    let mut at = 0;
    let num = |len: usize, at: &mut usize| -> Result<i64, TimeError> {
        let digits = b.get(*at..*at + len).ok_or(TimeError::Form)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(TimeError::Form);
        }
        *at += len;
        Ok(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let expect = |c: u8, at: &mut usize| -> Result<(), TimeError> {
        if b.get(*at) == Some(&c) {
            *at += 1;
            Ok(())
        } else {
            Err(TimeError::Form)
        }
    };
    let mut p = [0i64; 7];
    p[0] = num(4, &mut at)?;
    expect(b'-', &mut at)?;
    p[1] = num(2, &mut at)?;
    expect(b'-', &mut at)?;
    p[2] = num(2, &mut at)?;
    if at < b.len() && matches!(b[at], b'T' | b't' | b' ') {
        at += 1;
        p[3] = num(2, &mut at)?;
        expect(b':', &mut at)?;
        p[4] = num(2, &mut at)?;
        if b.get(at) == Some(&b':') {
            at += 1;
            p[5] = num(2, &mut at)?;
            if b.get(at) == Some(&b'.') {
                at += 1;
                let start = at;
                while at < b.len() && b[at].is_ascii_digit() {
                    at += 1;
                }
                let frac = &b[start..at];
                if frac.is_empty() || frac.len() > 9 {
                    return Err(TimeError::Form);
                }
                let n = frac.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
                p[6] = n * 10i64.pow(u32::try_from(9 - frac.len()).expect("at most 9"));
            }
        }
    }
    let offset = match b.get(at) {
        None => None,
        Some(b'Z' | b'z') => {
            at += 1;
            Some(0)
        }
        Some(&sign @ (b'+' | b'-')) => {
            at += 1;
            let h = num(2, &mut at)?;
            if b.get(at) == Some(&b':') {
                at += 1;
            }
            let m = if at < b.len() { num(2, &mut at)? } else { 0 };
            if h > 23 || m > 59 {
                return Err(TimeError::Impossible(format!(
                    "`{}` is not an offset from UTC",
                    String::from_utf8_lossy(&b[at - 5.min(at)..at])
                )));
            }
            let secs = i32::try_from(h * 3600 + m * 60).expect("small");
            Some(if sign == b'-' { -secs } else { secs })
        }
        Some(_) => return Err(TimeError::Form),
    };
    if at != b.len() {
        return Err(TimeError::Form);
    }
    Ok((Civil(p), offset))
}

/// The civil date and time, or why the calendar or clock has no such value.
fn civil_datetime(c: &Civil) -> Result<DateTime, TimeError> {
    let [y, mo, d, h, mi, s, ns] = c.0;
    let small = |v: i64| i8::try_from(v).unwrap_or(i8::MAX);
    if !(1..=12).contains(&mo) {
        return Err(TimeError::Impossible(format!(
            "there is no month {mo}: months run from 01 to 12"
        )));
    }
    let year = i16::try_from(y).map_err(|_| TimeError::Form)?;
    let first = Date::new(year, small(mo), 1).map_err(|_| TimeError::Form)?;
    let days = i64::from(first.days_in_month());
    if d < 1 || d > days {
        return Err(TimeError::Impossible(format!(
            "{y:04}-{mo:02} has {days} days, not {d}"
        )));
    }
    if h > 23 || mi > 59 || s > 59 {
        return Err(TimeError::Impossible(format!(
            "{h:02}:{mi:02}:{s:02} is not a time of day"
        )));
    }
    let ns = i32::try_from(ns).expect("at most 9 digits");
    DateTime::new(year, small(mo), small(d), small(h), small(mi), small(s), ns)
        .map_err(|_| TimeError::Form)
}

/// Reads a duration such as `30m`, `48h`, `7d` or `1d12h` into seconds: units `d`, `h`,
/// `m`, `s`, each at most once, largest first.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
    let mut total: i64 = 0;
    let mut next_unit = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let Some(i) = UNITS.iter().position(|(u, _)| *u == c) else {
            return Err(format!("`{c}` is not a unit: use d, h, m or s"));
        };
        if digits.is_empty() {
            return Err(format!("`{c}` needs a number before it"));
        }
        if i < next_unit {
            return Err("write the units largest first, each once: `1d12h`, not `12h1d`".into());
        }
        let n: i64 = digits
            .parse()
            .map_err(|_| format!("`{digits}` is too large"))?;
        total = n
            .checked_mul(UNITS[i].1)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| "the duration is too long".to_string())?;
        digits.clear();
        next_unit = i + 1;
    }
    if !digits.is_empty() || text.is_empty() {
        return Err("a duration ends with its unit: `48h`, `7d`, `1d12h`".into());
    }
    Ok(total)
}

/// Seconds as the shortest duration literal: `48h`, `1d12h`, `90s` → `1m30s`.
pub fn show_duration(seconds: Decimal) -> String {
    let Some(mut s) = seconds.trunc().to_i64() else {
        return format!("{seconds}s");
    };
    if s != 0 && seconds.fract().is_zero() {
        let negative = s < 0;
        s = s.abs();
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        for (unit, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
            if s >= size {
                out.push_str(&format!("{}{unit}", s / size));
                s %= size;
            }
        }
        return out;
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("bundled")
    }

    #[test]
    fn iso_forms_are_read_in_the_zone_unless_an_offset_is_given() {
        let z = shanghai();
        let at = |t: &str| show(parse_instant(t, &z).expect(t), &TimeZone::UTC);
        assert_eq!(at("2026-11-11"), "2026-11-10T16:00:00Z");
        assert_eq!(at("2026-11-11T20:00"), "2026-11-11T12:00:00Z");
        assert_eq!(at("2026-11-11 20:00:00"), "2026-11-11T12:00:00Z");
        assert_eq!(at("2026-11-11T20:00:00+08:00"), "2026-11-11T12:00:00Z");
        assert_eq!(at("2026-11-11T20:00:00Z"), "2026-11-11T20:00:00Z");
        assert_eq!(at("2026-11-11T20:00:00-0500"), "2026-11-12T01:00:00Z");
        assert_eq!(at("2026-11-11T20:00:00.25Z"), "2026-11-11T20:00:00.25Z");
    }

    #[test]
    fn impossible_dates_and_other_forms_are_refused() {
        let z = TimeZone::UTC;
        assert_eq!(
            parse_instant("2026-02-30", &z),
            Err(TimeError::Impossible("2026-02 has 28 days, not 30".into()))
        );
        assert!(matches!(
            parse_instant("2026-13-01", &z),
            Err(TimeError::Impossible(_))
        ));
        assert!(matches!(
            parse_instant("2026-11-11T24:00", &z),
            Err(TimeError::Impossible(_))
        ));
        for bad in [
            "11/21/2026",
            "2026-1-1",
            "2026-11-11T20",
            "2026-11-11 x",
            "",
            "now",
        ] {
            assert_eq!(parse_instant(bad, &z), Err(TimeError::Form), "{bad}");
        }
    }

    #[test]
    fn local_times_skipped_by_a_change_of_clocks_take_the_later_reading() {
        // New York skipped 02:00-03:00 on 2026-03-08 and repeated 01:00-02:00 on 2026-11-01.
        let z = TimeZone::get("America/New_York").expect("bundled");
        let utc = |t: &str| show(parse_instant(t, &z).expect(t), &TimeZone::UTC);
        assert_eq!(utc("2026-03-08T02:30"), "2026-03-08T07:30:00Z");
        assert_eq!(utc("2026-11-01T01:30"), "2026-11-01T05:30:00Z");
    }

    #[test]
    fn durations_read_and_print_in_units() {
        assert_eq!(parse_duration("48h"), Ok(172_800));
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert_eq!(parse_duration("30m"), Ok(1_800));
        assert!(parse_duration("12h1d").is_err());
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("3w").is_err());
        assert_eq!(show_duration(Decimal::from(129_600)), "1d12h");
        assert_eq!(show_duration(Decimal::from(90)), "1m30s");
    }

    #[test]
    fn hour_and_weekday_are_local() {
        let clock = Clock {
            zone: shanghai(),
            now: Timestamp::UNIX_EPOCH,
        };
        // 2026-11-13T23:30Z is Saturday 07:30 in Shanghai.
        let t = seconds(parse_instant("2026-11-13T23:30:00Z", &TimeZone::UTC).expect("valid"));
        assert_eq!(clock.hour(t), Decimal::from(7));
        assert_eq!(WEEKDAYS[clock.weekday(t) as usize], "sat");
        assert_eq!(timestamp(t), timestamp(seconds(timestamp(t))));
    }
}
