//! The two time axes and the rule that reads fuzzy periods.
//!
//! *Valid time* (`asOf`) is a calendar day; *record time* (`knownAt`) is an
//! instant. A status period holds on day D when its start's earliest day is
//! on or before D (an unknown start holds from the beginning of time) and
//! its end's latest day is on or after D (an open end holds for ever). Where
//! two periods of one relation both hold on D (a period ending "2008-08" and
//! the next starting "2008-08"), the one that starts later wins; between
//! equal starts, the one recorded later.
//!
//! A row is visible at record time K when it was recorded at or before K
//! and not superseded at or before K.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use seed::edtf::day_number;

/// Record time of a query: now, or an earlier instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Known {
    Now,
    /// Microseconds since the Unix epoch.
    At(i64),
}

impl Known {
    pub fn visible(self, recorded_at: i64, superseded_at: Option<i64>) -> bool {
        match self {
            Known::Now => superseded_at.is_none(),
            Known::At(k) => recorded_at <= k && superseded_at.is_none_or(|s| s > k),
        }
    }
}

/// Parses a `Date` argument; the error names the argument.
pub fn parse_date(argument: &str, text: &str) -> AppResult<NaiveDate> {
    let fail = |why: String| AppError::bad_input(format!("{argument}: `{text}` is not a valid date: {why}"));
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(fail("expected YYYY-MM-DD".into()));
    }
    let (y, m, d) = (
        parts[0].parse::<i32>().map_err(|_| fail("bad year".into()))?,
        parts[1].parse::<u32>().map_err(|_| fail("bad month".into()))?,
        parts[2].parse::<u32>().map_err(|_| fail("bad day".into()))?,
    );
    if !(1..=12).contains(&m) {
        return Err(fail(format!("month {m:02} does not exist")));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| fail(format!("day {d:02} does not exist in {y:04}-{m:02}")))
}

/// Parses a `DateTime` argument (RFC 3339 with offset).
pub fn parse_datetime(argument: &str, text: &str) -> AppResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|e| {
        AppError::bad_input(format!(
            "{argument}: `{text}` is not an RFC 3339 date-time with offset (like 2008-08-19T16:07:00Z): {e}"
        ))
    })
}

/// The valid-time day of an optional `asOf`, today by default.
pub fn as_of_day(as_of: Option<&str>) -> AppResult<i32> {
    let date = match as_of {
        Some(text) => parse_date("asOf", text)?,
        None => Utc::now().date_naive(),
    };
    Ok(day_number(date))
}

/// The record time of an optional `knownAt`, now by default.
pub fn known_at(known_at: Option<&str>) -> AppResult<Known> {
    match known_at {
        None => Ok(Known::Now),
        Some(text) => {
            let t = parse_datetime("knownAt", text)?;
            if t >= Utc::now() {
                Ok(Known::Now)
            } else {
                Ok(Known::At(t.timestamp_micros()))
            }
        }
    }
}

/// A day range from optional `from`/`to` arguments; open sides are unbounded.
pub fn day_range(from: Option<&str>, to: Option<&str>) -> AppResult<(i32, i32)> {
    let lo = from.map(|f| parse_date("from", f)).transpose()?.map_or(i32::MIN, day_number);
    let hi = to.map(|t| parse_date("to", t)).transpose()?.map_or(i32::MAX, day_number);
    if lo > hi {
        return Err(AppError::bad_input("to: the range ends before `from`"));
    }
    Ok((lo, hi))
}

/// A period as the rule needs it.
pub struct Span {
    pub from_earliest: i32,
    pub to_latest: i32,
    pub recorded_at: i64,
}

/// The index of the period that decides the status on `day`, if any holds.
pub fn deciding_period<'a, I>(periods: I, day: i32) -> Option<usize>
where
    I: IntoIterator<Item = &'a Span>,
{
    periods
        .into_iter()
        .enumerate()
        .filter(|(_, p)| p.from_earliest <= day && day <= p.to_latest)
        .max_by_key(|(i, p)| (p.from_earliest, p.recorded_at, *i))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use seed::edtf::{OPEN_END, UNKNOWN_START};

    fn day(text: &str) -> i32 {
        day_number(parse_date("asOf", text).unwrap())
    }

    #[test]
    fn impossible_dates_name_the_argument_and_the_reason() {
        let e = parse_date("asOf", "2008-13-45").unwrap_err().message().to_owned();
        assert_eq!(e, "asOf: `2008-13-45` is not a valid date: month 13 does not exist");
        let e = parse_date("from", "2009-02-29").unwrap_err().message().to_owned();
        assert!(e.contains("day 29 does not exist in 2009-02"), "{e}");
        assert!(parse_date("asOf", "2008-8-1").is_err());
        assert!(parse_date("asOf", "yesterday").is_err());
        assert!(parse_datetime("knownAt", "2008-08-19").is_err());
        assert!(parse_datetime("knownAt", "2008-08-19T16:07:00+01:00").is_ok());
    }

    #[test]
    fn fuzzy_periods_hold_from_earliest_start_to_latest_end_and_later_starts_win() {
        // NATO–Russia Council: active 2002 to 2008-08, suspended from 2008-08.
        let active = Span { from_earliest: day("2002-01-01"), to_latest: day("2008-08-31"), recorded_at: 1 };
        let suspended = Span { from_earliest: day("2008-08-01"), to_latest: OPEN_END, recorded_at: 1 };
        let periods = [active, suspended];
        assert_eq!(deciding_period(&periods, day("2001-12-31")), None);
        assert_eq!(deciding_period(&periods, day("2002-01-01")), Some(0));
        assert_eq!(deciding_period(&periods, day("2008-07-31")), Some(0));
        assert_eq!(deciding_period(&periods, day("2008-08-01")), Some(1));
        assert_eq!(deciding_period(&periods, day("2030-01-01")), Some(1));
        let unknown_start = [Span { from_earliest: UNKNOWN_START, to_latest: day("1999-12-31"), recorded_at: 1 }];
        assert_eq!(deciding_period(&unknown_start, day("1000-01-01")), Some(0));
        assert_eq!(deciding_period(&unknown_start, day("2000-01-01")), None);
    }

    #[test]
    fn record_time_visibility() {
        assert!(Known::Now.visible(5, None));
        assert!(!Known::Now.visible(5, Some(9)));
        assert!(Known::At(7).visible(5, Some(9)));
        assert!(!Known::At(9).visible(5, Some(9)));
        assert!(!Known::At(4).visible(5, None));
    }
}
