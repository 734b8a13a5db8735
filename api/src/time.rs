//! The API's time arguments, from their parsed scalars to the domain's
//! types: `asOf` (a valid-time [`Day`], today by default), `from`/`to` (a
//! [`Span`], open where absent) and `knownAt` (a record-time [`Known`], now
//! by default). The rules that read them live in `domain`.

use crate::error::{AppError, AppResult};
use crate::graphql::scalars::{Date, DateTime};
use domain::record::now_micros;
pub use domain::Known;
use domain::{Day, Span};

/// The valid-time day of an optional `asOf`, today by default.
pub fn as_of_day(as_of: Option<&Date>) -> AppResult<Day> {
    as_of.map_or_else(|| Ok(Day::today()), |d| d.day("asOf"))
}

/// The record time of an optional `knownAt`, now by default.
pub fn known_at(known_at: Option<&DateTime>) -> AppResult<Known> {
    match known_at {
        None => Ok(Known::Now),
        Some(t) => Ok(Known::at(t.micros("knownAt")?, now_micros())),
    }
}

/// The span of optional `from`/`to` arguments; open sides reach for ever.
pub fn span(from: Option<&Date>, to: Option<&Date>) -> AppResult<Span> {
    let from = from.map(|d| d.day("from")).transpose()?;
    let to = to.map(|d| d.day("to")).transpose()?;
    if let (Some(lo), Some(hi)) = (from, to) {
        if lo > hi {
            return Err(AppError::bad_input("to: the range ends before `from`"));
        }
    }
    Ok(Span { from: from.into(), to: to.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ScalarType;

    fn date(text: &str) -> Date {
        Date::parse(async_graphql::Value::String(text.into())).expect("a string is a Date")
    }

    fn instant(text: &str) -> DateTime {
        DateTime::parse(async_graphql::Value::String(text.into())).expect("a string is a DateTime")
    }

    #[test]
    fn impossible_dates_name_the_argument_and_the_reason() {
        let e = as_of_day(Some(&date("2008-13-45"))).unwrap_err().message();
        assert_eq!(e, "asOf: `2008-13-45` is not a valid date: month 13 does not exist (01 to 12)");
        let e = span(Some(&date("2009-02-29")), None).unwrap_err().message();
        assert!(e.starts_with("from: ") && e.contains("day 29 does not exist in 2009-02"), "{e}");
        assert!(as_of_day(Some(&date("2008-8-1"))).is_err());
        assert!(as_of_day(Some(&date("yesterday"))).is_err());
        assert!(known_at(Some(&instant("2008-08-19"))).unwrap_err().message().starts_with("knownAt: "));
        assert!(known_at(Some(&instant("2008-08-19T16:07:00+01:00"))).is_ok());
    }

    #[test]
    fn spans_are_open_where_not_given_and_never_run_backwards() {
        assert!(span(Some(&date("2008-08-02")), Some(&date("2008-08-01"))).is_err());
        let s = span(Some(&date("2008-08-01")), None).unwrap();
        assert_eq!(s, Span { from: domain::Since::Day(Day::parse("2008-08-01").unwrap()), to: domain::Until::Ever });
        assert_eq!(span(None, None).unwrap(), Span::ALL);
    }
}
