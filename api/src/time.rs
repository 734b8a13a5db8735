//! The API's time arguments: `asOf`, `from` and `to` (valid-time days) and
//! `knownAt` (a record-time instant), parsed at the edge into the domain's
//! types. The rules that read them live in the `domain` crate
//! ([`domain::period`], [`domain::record`]).

use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use domain::edtf::{day_number, parse_day};
use domain::record::now_micros;
pub use domain::Known;

/// Parses a `Date` argument; the error names the argument and says why.
pub fn parse_date(argument: &str, text: &str) -> AppResult<NaiveDate> {
    parse_day(text).map_err(|e| AppError::bad_input(format!("{argument}: {e}")))
}

/// Parses a `DateTime` argument (RFC 3339 with offset).
pub fn parse_datetime(argument: &str, text: &str) -> AppResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|e| {
        let shown: String = text.chars().take(40).collect();
        AppError::bad_input(format!(
            "{argument}: `{shown}` is not an RFC 3339 date-time with offset (like 2008-08-19T16:07:00Z): {e}"
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
        Some(text) => Ok(Known::at(parse_datetime("knownAt", text)?.timestamp_micros(), now_micros())),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_name_the_argument_and_the_reason() {
        let e = parse_date("asOf", "2008-13-45").unwrap_err().message().to_owned();
        assert_eq!(e, "asOf: `2008-13-45` is not a valid date: month 13 does not exist (01 to 12)");
        let e = parse_date("from", "2009-02-29").unwrap_err().message().to_owned();
        assert!(e.contains("day 29 does not exist in 2009-02"), "{e}");
        assert!(parse_date("asOf", "2008-8-1").is_err());
        assert!(parse_date("asOf", "yesterday").is_err());
        assert!(parse_datetime("knownAt", "2008-08-19").is_err());
        assert!(parse_datetime("knownAt", "2008-08-19T16:07:00+01:00").is_ok());
    }

    #[test]
    fn ranges_must_not_run_backwards() {
        assert!(day_range(Some("2008-08-02"), Some("2008-08-01")).is_err());
        let (lo, hi) = day_range(Some("2008-08-01"), None).unwrap();
        assert_eq!((lo, hi), (day_number(parse_day("2008-08-01").unwrap()), i32::MAX));
    }
}
