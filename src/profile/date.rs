//! Dates as platforms write them (`11/21/2026 10:05:00 PM`, `2026-11-11 00:05:12` in China
//! time, `2025-12-07 19:08:25 -0500`) rewritten as the RFC 3339 text that the core's
//! `datetime` reads, so that the core never sees a platform's format.

use jiff::ZonedDateTime;
use jiff::civil::{DateTime, Time, date};
use jiff::fmt::strtime;
use jiff::fmt::temporal::Pieces;
use jiff::tz::TimeZone;

/// How a field's dates are read: its formats, tried in order after ISO 8601, and the zone
/// of dates written without an offset.
#[derive(Debug, Clone)]
pub struct DateSpec {
    formats: Vec<String>,
    zone: Option<TimeZone>,
}

impl DateSpec {
    /// Checks every format once, on a known instant, so that a format that can never read
    /// a date (an unknown `%` directive, no date in it, a directive jiff only writes) is an
    /// error when the profile loads, not one invalid order per row.
    pub fn new(formats: Vec<String>, zone: Option<TimeZone>) -> Result<Self, String> {
        // Two-digit day and hour, so that padding flags cannot change the round trip.
        let probe = date(2026, 11, 21)
            .at(22, 5, 17, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .map_err(|e| format!("cannot build the probe date: {e}"))?;
        for f in &formats {
            if f.trim().is_empty() {
                return Err("a `date` format is blank".into());
            }
            let written = strtime::format(f.as_str(), &probe)
                .map_err(|e| format!("`{f}` is not a date format: {e}"))?;
            let tm = strtime::parse(f.as_str(), &written)
                .map_err(|e| format!("`{f}` cannot read a date back (`{written}`): {e}"))?;
            // `%s` is an instant without a year of its own.
            if tm.timestamp().is_none() {
                tm.to_date()
                    .map_err(|e| format!("`{f}` cannot read a date back (`{written}`): {e}"))?;
            }
        }
        Ok(DateSpec { formats, zone })
    }

    /// `text` (trimmed, not blank) as RFC 3339: with its own offset when it has one, else in
    /// the profile's zone, else as a civil date-time without an offset (which the rule set's
    /// zone then reads). ISO 8601 text is taken first, so a re-run on canonical data works.
    pub fn canonical(&self, text: &str) -> Result<String, String> {
        if let Some(done) = self.iso(text) {
            return done;
        }
        for f in &self.formats {
            let Ok(tm) = strtime::parse(f.as_str(), text) else {
                continue;
            };
            if tm.offset().is_some() || tm.iana_time_zone().is_some() {
                match tm.to_zoned_datetime() {
                    Ok(zdt) => return Ok(with_offset(&zdt)),
                    Err(_) => continue,
                }
            }
            if let Some(ts) = tm.timestamp() {
                // `%s`: an instant already; shown in the profile's zone, else in UTC.
                let zone = self.zone.clone().unwrap_or(TimeZone::UTC);
                return Ok(with_offset(&ts.to_zoned_datetime(zone)));
            }
            // A date without a time (`%b-%d-%y`) is midnight: `to_time` gives it.
            let Ok(dt) = tm.to_datetime() else {
                continue;
            };
            return self.civil(dt, text);
        }
        let tried = if self.formats.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self.formats.iter().map(|f| format!("`{f}`")).collect();
            format!(" or any of the formats {}", list.join(", "))
        };
        Err(format!("not a date in ISO 8601{tried}"))
    }

    /// ISO 8601 / RFC 3339 text (`2026-11-11T20:00:00+08:00`, `2026-11-11 20:00:00`,
    /// `2026-11-11`); `None` when `text` is not ISO, so that the formats are tried.
    fn iso(&self, text: &str) -> Option<Result<String, String>> {
        let pieces = Pieces::parse(text).ok()?;
        let dt = pieces
            .date()
            .to_datetime(pieces.time().unwrap_or_else(Time::midnight));
        if let Some(offset) = pieces.to_numeric_offset() {
            return Some(
                offset
                    .to_timestamp(dt)
                    .map(|ts| ts.display_with_offset(offset).to_string())
                    .map_err(|e| format!("not a date that can be an instant: {e}")),
            );
        }
        // `2026-11-11T20:00[Asia/Shanghai]`: the text names its own zone.
        if let Ok(Some(zone)) = pieces.to_time_zone() {
            return Some(
                dt.to_zoned_datetime(zone)
                    .map(|zdt| with_offset(&zdt))
                    .map_err(|e| format!("not a date that can be an instant: {e}")),
            );
        }
        Some(self.civil(dt, text))
    }

    /// A date-time without an offset: in the profile's zone, else as it is.
    fn civil(&self, dt: DateTime, text: &str) -> Result<String, String> {
        match &self.zone {
            None => Ok(dt.to_string()),
            // jiff's real rules: in a fold (the hour that repeats when daylight saving time
            // ends) the earlier instant is taken, in a gap (the hour skipped when it starts)
            // the later one, as RFC 5545 and Temporal do.
            Some(zone) => dt
                .to_zoned_datetime(zone.clone())
                .map(|zdt| with_offset(&zdt))
                .map_err(|e| format!("`{text}` is not a time in the profile's time zone: {e}")),
        }
    }
}

/// RFC 3339 with the numeric offset (`+08:00`, never a zone name in brackets), fractional
/// seconds only when there are some.
fn with_offset(zdt: &ZonedDateTime) -> String {
    zdt.timestamp()
        .display_with_offset(zdt.offset())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    /// The instant of canonical text, to compare times written with different offsets.
    fn instant(canonical: &str) -> Timestamp {
        canonical.parse().expect("canonical text with an offset")
    }

    fn spec(formats: &[&str], zone: Option<&str>) -> DateSpec {
        DateSpec::new(
            formats.iter().map(|f| (*f).to_string()).collect(),
            zone.map(|z| TimeZone::get(z).expect("a zone")),
        )
        .expect("the formats check")
    }

    /// The canonical text of `text`, checked to be what a run reads: the rule files'
    /// reader (`time::parse_instant`, not jiff's) takes it, at the instant jiff reads in
    /// it when it has an offset.
    fn ok(spec: &DateSpec, text: &str) -> String {
        let canonical = spec
            .canonical(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let read = crate::time::parse_instant(&canonical, &TimeZone::UTC)
            .unwrap_or_else(|e| panic!("{text} gives {canonical}, which a run cannot read: {e:?}"));
        if let Ok(at) = canonical.parse::<Timestamp>() {
            assert_eq!(read, at, "{text} gives {canonical}");
        }
        canonical
    }

    /// The formats of a built-in profile, from its YAML, so the tests follow the files.
    fn builtin(name: &str, field: &str) -> DateSpec {
        let p = super::super::load(name).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        p.fields[field]
            .date
            .clone()
            .unwrap_or_else(|| panic!("{name} reads {field} as a date"))
    }

    #[test]
    fn an_offset_in_the_text_is_kept() {
        let shopify = builtin("shopify", "placed_at");
        assert_eq!(
            ok(&shopify, "2025-12-07 19:08:25 +0000"),
            "2025-12-07T19:08:25+00:00"
        );
        assert_eq!(
            ok(&shopify, "2025-12-07 19:08:25 -0500"),
            "2025-12-07T19:08:25-05:00"
        );
        let amazon = builtin("amazon", "placed_at");
        assert_eq!(
            ok(&amazon, "2017-06-17T08:04:21+00:00"),
            "2017-06-17T08:04:21+00:00"
        );
    }

    #[test]
    fn china_time_without_an_offset_gets_shanghai() {
        for name in ["taobao", "jd"] {
            for field in ["placed_at", "paid_at"] {
                let s = builtin(name, field);
                assert_eq!(
                    ok(&s, "2026-11-11 00:05:12"),
                    "2026-11-11T00:05:12+08:00",
                    "{name}"
                );
                // Excel's re-save: slashes, no seconds, a one-digit hour.
                assert_eq!(
                    ok(&s, "2026/11/11 0:05"),
                    "2026-11-11T00:05:00+08:00",
                    "{name}"
                );
                assert_eq!(
                    ok(&s, "2026/11/11 0:05:12"),
                    "2026-11-11T00:05:12+08:00",
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn tiktok_reads_the_us_layout_in_los_angeles_time() {
        let s = builtin("tiktok", "placed_at");
        assert_eq!(
            ok(&s, "11/21/2026 10:05:00 PM"),
            "2026-11-21T22:05:00-08:00"
        );
        assert_eq!(
            ok(&s, "11/21/2026 12:05:00 AM"),
            "2026-11-21T00:05:00-08:00"
        );
        assert_eq!(
            ok(&s, "07/04/2026 09:30:00 AM"),
            "2026-07-04T09:30:00-07:00"
        );
        // Excel's re-save of the US layout.
        assert_eq!(ok(&s, "11/21/2026 22:05"), "2026-11-21T22:05:00-08:00");
        // The non-US layout is not guessed: 21 is no month, so it is bad input.
        let err = s.canonical("21/11/2026 22:05:00").unwrap_err();
        assert!(err.contains("`%m/%d/%Y %I:%M:%S %p`"), "{err}");
    }

    #[test]
    fn woocommerce_reads_the_site_time() {
        let s = builtin("woocommerce", "placed_at");
        assert_eq!(ok(&s, "2026-11-10 09:08:25"), "2026-11-10T09:08:25-05:00");
        assert_eq!(ok(&s, "11/10/2026 9:08"), "2026-11-10T09:08:00-05:00");
        let eu = super::super::load("examples/profiles/woocommerce-eu.yaml")
            .unwrap_or_else(|e| panic!("{}", e.message));
        let s = eu.fields["placed_at"].date.clone().expect("a date field");
        assert_eq!(ok(&s, "2026-11-10 15:08:25"), "2026-11-10T15:08:25+01:00");
        assert_eq!(ok(&s, "10.11.2026 15:08"), "2026-11-10T15:08:00+01:00");
    }

    #[test]
    fn every_builtin_dates_both_times_the_same_way() {
        for name in ["shopify", "taobao", "jd", "tiktok", "woocommerce"] {
            let (placed, paid) = (builtin(name, "placed_at"), builtin(name, "paid_at"));
            assert_eq!(placed.formats, paid.formats, "{name}");
        }
    }

    #[test]
    fn ebay_month_names_and_two_digit_years_give_midnight() {
        let s = spec(&["%b-%d-%y"], None);
        assert_eq!(ok(&s, "Jul-25-26"), "2026-07-25T00:00:00");
        let s = spec(&["%b-%d-%y"], Some("America/Los_Angeles"));
        assert_eq!(ok(&s, "Jul-25-26"), "2026-07-25T00:00:00-07:00");
        assert!(s.canonical("Jux-25-26").is_err());
    }

    #[test]
    fn los_angeles_around_the_end_of_daylight_saving_time() {
        let s = spec(&["%m/%d/%Y %I:%M:%S %p"], Some("America/Los_Angeles"));
        // 2026-11-01: clocks go back from 02:00 PDT to 01:00 PST.
        assert_eq!(
            ok(&s, "10/31/2026 11:30:00 PM"),
            "2026-10-31T23:30:00-07:00"
        );
        // 01:30 happens twice; jiff takes the earlier (still PDT).
        assert_eq!(
            ok(&s, "11/01/2026 01:30:00 AM"),
            "2026-11-01T01:30:00-07:00"
        );
        assert_eq!(
            ok(&s, "11/01/2026 02:30:00 AM"),
            "2026-11-01T02:30:00-08:00"
        );
        assert_eq!(
            instant(&ok(&s, "11/01/2026 02:30:00 AM")) - instant(&ok(&s, "11/01/2026 01:30:00 AM")),
            jiff::SignedDuration::from_hours(2)
        );
        // 2026-03-08: 02:00–02:59 does not exist; jiff takes the later side of the gap.
        assert_eq!(
            ok(&s, "03/08/2026 02:30:00 AM"),
            "2026-03-08T03:30:00-07:00"
        );
    }

    #[test]
    fn iso_text_passes_through() {
        let zoned = spec(&["%m/%d/%Y %I:%M:%S %p"], Some("Asia/Shanghai"));
        let civil = spec(&["%m/%d/%Y %I:%M:%S %p"], None);
        for (text, in_zone, as_is) in [
            (
                "2026-11-11T20:00:00+08:00",
                "2026-11-11T20:00:00+08:00",
                "2026-11-11T20:00:00+08:00",
            ),
            (
                "2026-11-11T12:00:00Z",
                "2026-11-11T12:00:00+00:00",
                "2026-11-11T12:00:00+00:00",
            ),
            (
                "2026-11-11 20:00:00",
                "2026-11-11T20:00:00+08:00",
                "2026-11-11T20:00:00",
            ),
            (
                "2026-11-11T20:00",
                "2026-11-11T20:00:00+08:00",
                "2026-11-11T20:00:00",
            ),
            (
                "2026-11-11",
                "2026-11-11T00:00:00+08:00",
                "2026-11-11T00:00:00",
            ),
            (
                "2026-11-11T20:00:00.250-05:00",
                "2026-11-11T20:00:00.25-05:00",
                "2026-11-11T20:00:00.25-05:00",
            ),
        ] {
            assert_eq!(ok(&zoned, text), in_zone, "{text}");
            assert_eq!(ok(&civil, text), as_is, "{text}");
            // Canonical text reads back as itself.
            assert_eq!(ok(&zoned, in_zone), in_zone, "{text}");
            assert_eq!(ok(&civil, as_is), as_is, "{text}");
        }
    }

    #[test]
    fn unix_timestamps_are_instants() {
        assert_eq!(
            ok(&spec(&["%s"], None), "1794657900"),
            "2026-11-14T12:05:00+00:00"
        );
        assert_eq!(
            ok(&spec(&["%s"], Some("Asia/Shanghai")), "1794657900"),
            "2026-11-14T20:05:00+08:00"
        );
    }

    #[test]
    fn without_a_zone_a_date_stays_civil() {
        let s = spec(&["%Y-%m-%d %H:%M:%S"], None);
        assert_eq!(ok(&s, "2026-11-11 00:05:12"), "2026-11-11T00:05:12");
    }

    #[test]
    fn an_unreadable_date_lists_the_formats_tried() {
        let s = spec(&["%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M:%S"], None);
        assert_eq!(
            s.canonical("yesterday").unwrap_err(),
            "not a date in ISO 8601 or any of the formats `%m/%d/%Y %I:%M:%S %p`, `%d/%m/%Y %H:%M:%S`"
        );
        // A format that matches the shape but not the calendar: no 30 February.
        assert!(s.canonical("02/30/2026 10:00:00 AM").is_err());
        assert_eq!(
            spec(&[], None).canonical("11/21/2026").unwrap_err(),
            "not a date in ISO 8601"
        );
    }

    #[test]
    fn formats_that_cannot_read_a_date_are_refused() {
        let bad = |f: &str| DateSpec::new(vec![f.to_string()], None).unwrap_err();
        assert!(
            bad("%H:%M").contains("cannot read a date back"),
            "{}",
            bad("%H:%M")
        );
        assert!(bad("%Y-%m-%d %Z").contains("`%Y-%m-%d %Z`"));
        assert!(
            bad("%Y-%m-%d %!").contains("not a date format"),
            "{}",
            bad("%Y-%m-%d %!")
        );
        assert!(bad(" ").contains("blank"));
    }
}
