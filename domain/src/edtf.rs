//! Fuzzy dates in EDTF (ISO 8601-2): the precision a source gives, kept.
//!
//! Sources say "in 2002", "in August 2008", "at the weekend", "in the early
//! 1990s". Storing any of these as a full date would state more than the
//! source does, so a date is kept as its EDTF text together with the first
//! and last day it can denote. Those two day numbers are what queries
//! compare; the text is what users see.
//!
//! Accepted: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, a decade `YYYX`, each with an
//! optional qualifier `?` (uncertain), `~` (approximate) or `%` (both), and
//! closed intervals `A/B` of those ("some day between A and B").

use chrono::NaiveDate;
use std::fmt;

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Day,
    Month,
    Year,
    Decade,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "DAY",
            Precision::Month => "MONTH",
            Precision::Year => "YEAR",
            Precision::Decade => "DECADE",
        }
    }
}

/// A parsed EDTF date or interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzyDate {
    /// The EDTF text, as written.
    pub edtf: String,
    /// For an interval, the coarser of its two ends.
    pub precision: Precision,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    pub approximate: bool,
    pub uncertain: bool,
}

/// Why a text is not an accepted date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdtfError {
    /// The input, cut to its first 40 characters.
    pub input: String,
    pub reason: String,
}

impl EdtfError {
    fn new(input: &str, reason: impl Into<String>) -> EdtfError {
        let mut shown: String = input.chars().take(40).collect();
        if shown.len() < input.len() {
            shown.push('…');
        }
        EdtfError { input: shown, reason: reason.into() }
    }
}

impl fmt::Display for EdtfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid date: {}", self.input, self.reason)
    }
}

impl std::error::Error for EdtfError {}

impl FuzzyDate {
    /// Parses EDTF text; the error says what is wrong with it.
    pub fn parse(input: &str) -> Result<FuzzyDate, EdtfError> {
        let fail = |reason: &str| EdtfError::new(input, reason);
        let text = input.trim();
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        if text != input {
            return Err(fail("it has surrounding white space"));
        }
        let mut parts = text.split('/');
        let first = parts.next().unwrap_or_default();
        let second = parts.next();
        if parts.next().is_some() {
            return Err(fail("an interval has exactly one `/`"));
        }
        let start = parse_single(first).map_err(|r| fail(&r))?;
        let Some(second) = second else {
            return Ok(FuzzyDate { edtf: input.to_owned(), ..start });
        };
        if first.is_empty() || second.is_empty() || first == ".." || second == ".." {
            return Err(fail("open or unknown interval ends are not accepted for a date"));
        }
        let end = parse_single(second).map_err(|r| fail(&r))?;
        if end.latest < start.earliest {
            return Err(fail("the interval ends before it starts"));
        }
        Ok(FuzzyDate {
            edtf: input.to_owned(),
            precision: start.precision.max(end.precision),
            earliest: start.earliest,
            latest: end.latest,
            approximate: start.approximate || end.approximate,
            uncertain: start.uncertain || end.uncertain,
        })
    }

    /// The first day it can denote.
    pub fn earliest_day(&self) -> crate::Day {
        crate::Day::of(self.earliest)
    }

    /// The last day it can denote.
    pub fn latest_day(&self) -> crate::Day {
        crate::Day::of(self.latest)
    }
}

/// Parses a full-precision day, `YYYY-MM-DD`, as the API's `Date` arguments
/// take it: no qualifier, no interval, no coarser precision.
pub fn parse_day(input: &str) -> Result<NaiveDate, EdtfError> {
    let b = input.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(EdtfError::new(input, "expected YYYY-MM-DD"));
    }
    parse_single(input).map(|d| d.earliest).map_err(|reason| EdtfError::new(input, reason))
}

/// Written as its EDTF text.
impl serde::Serialize for FuzzyDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.edtf)
    }
}

/// Read from EDTF text; anything that does not parse is refused.
impl<'de> serde::Deserialize<'de> for FuzzyDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        FuzzyDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn parse_single(text: &str) -> Result<FuzzyDate, String> {
    if text.is_empty() {
        return Err("an interval end is empty".into());
    }
    let (body, approximate, uncertain) = match text.as_bytes()[text.len() - 1] {
        b'~' => (&text[..text.len() - 1], true, false),
        b'?' => (&text[..text.len() - 1], false, true),
        b'%' => (&text[..text.len() - 1], true, true),
        _ => (text, false, false),
    };
    let fields: Vec<&str> = body.split('-').collect();
    let year_text = fields[0];
    if year_text.len() != 4 {
        return Err(format!("the year `{year_text}` must have four digits"));
    }
    let make = |precision, earliest, latest| FuzzyDate {
        edtf: text.to_owned(),
        precision,
        earliest,
        latest,
        approximate,
        uncertain,
    };
    if let Some(decade) = year_text.strip_suffix('X') {
        if fields.len() > 1 {
            return Err("a decade (YYYX) cannot carry a month or day".into());
        }
        let decade: i32 = digits(decade, "decade")?;
        let first = NaiveDate::from_ymd_opt(decade * 10, 1, 1).ok_or("the decade is out of range")?;
        let last = NaiveDate::from_ymd_opt(decade * 10 + 9, 12, 31).ok_or("the decade is out of range")?;
        return Ok(make(Precision::Decade, first, last));
    }
    let year: i32 = digits(year_text, "year")?;
    match fields.len() {
        1 => {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("the year is out of range")?;
            let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or("the year is out of range")?;
            Ok(make(Precision::Year, first, last))
        }
        2 | 3 => {
            let month: u32 = two_digits(fields[1], "month")?;
            if !(1..=12).contains(&month) {
                return Err(format!("month {month:02} does not exist (01 to 12)"));
            }
            let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or("the month is out of range")?;
            if fields.len() == 2 {
                let next = if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)
                }
                .ok_or("the month is out of range")?;
                let last = next.pred_opt().ok_or("the month is out of range")?;
                return Ok(make(Precision::Month, first, last));
            }
            let day: u32 = two_digits(fields[2], "day")?;
            let date = NaiveDate::from_ymd_opt(year, month, day)
                .ok_or_else(|| format!("day {day:02} does not exist in {year:04}-{month:02}"))?;
            Ok(make(Precision::Day, date, date))
        }
        _ => Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into()),
    }
}

fn digits<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the {what} `{text}` must be digits"));
    }
    text.parse().map_err(|_| format!("the {what} `{text}` is out of range"))
}

fn two_digits(text: &str, what: &str) -> Result<u32, String> {
    if text.len() != 2 {
        return Err(format!("the {what} `{text}` must have two digits"));
    }
    digits(text, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn year_month_day_and_decade_denote_their_ranges() {
        let y = FuzzyDate::parse("2002").unwrap();
        assert_eq!((y.precision, y.earliest, y.latest), (Precision::Year, d(2002, 1, 1), d(2002, 12, 31)));
        let m = FuzzyDate::parse("2008-02").unwrap();
        assert_eq!((m.precision, m.earliest, m.latest), (Precision::Month, d(2008, 2, 1), d(2008, 2, 29)));
        let m = FuzzyDate::parse("2008-12").unwrap();
        assert_eq!(m.latest, d(2008, 12, 31));
        let day = FuzzyDate::parse("2008-08-19").unwrap();
        assert_eq!((day.precision, day.earliest, day.latest), (Precision::Day, d(2008, 8, 19), d(2008, 8, 19)));
        let dec = FuzzyDate::parse("199X").unwrap();
        assert_eq!((dec.precision, dec.earliest, dec.latest), (Precision::Decade, d(1990, 1, 1), d(1999, 12, 31)));
    }

    #[test]
    fn qualifiers_set_flags() {
        let a = FuzzyDate::parse("2008-08-05~").unwrap();
        assert!(a.approximate && !a.uncertain);
        let u = FuzzyDate::parse("2008?").unwrap();
        assert!(!u.approximate && u.uncertain);
        let both = FuzzyDate::parse("2008-08%").unwrap();
        assert!(both.approximate && both.uncertain);
        assert_eq!(both.edtf, "2008-08%");
    }

    #[test]
    fn intervals_span_both_ends() {
        let w = FuzzyDate::parse("2008-08-16/2008-08-17").unwrap();
        assert_eq!((w.precision, w.earliest, w.latest), (Precision::Day, d(2008, 8, 16), d(2008, 8, 17)));
        let mixed = FuzzyDate::parse("2008-08/2008-08-19").unwrap();
        assert_eq!((mixed.precision, mixed.earliest, mixed.latest), (Precision::Month, d(2008, 8, 1), d(2008, 8, 19)));
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused_with_a_reason() {
        let e = parse_day("2008-13-45").unwrap_err();
        assert_eq!(e.to_string(), "`2008-13-45` is not a valid date: month 13 does not exist (01 to 12)");
        assert_eq!(parse_day("2008-08-19"), Ok(d(2008, 8, 19)));
        for bad in ["2008-8-19", "2008-08", "2008-08-19~", "yesterday", "2008-08-19/2008-08-20", "２００８-08-19"] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
        assert!(parse_day(&"9".repeat(5000)).unwrap_err().to_string().len() < 100, "long input is not echoed");
        let e = FuzzyDate::parse("2008-13-45").unwrap_err();
        assert!(e.reason.contains("month 13"), "{e}");
        let e = FuzzyDate::parse("2007-02-29").unwrap_err();
        assert!(e.reason.contains("day 29 does not exist in 2007-02"), "{e}");
        assert!(FuzzyDate::parse("08-08-2008").is_err());
        assert!(FuzzyDate::parse("2008-8").is_err());
        assert!(FuzzyDate::parse("").is_err());
        assert!(FuzzyDate::parse(" 2008").is_err());
        assert!(FuzzyDate::parse("2008/..").is_err());
        assert!(FuzzyDate::parse("2008-08-19/2008-08-01").unwrap_err().reason.contains("ends before"));
        assert!(FuzzyDate::parse("2008-08-01/2008-08-02/2008-08-03").is_err());
        assert!(FuzzyDate::parse("199X-01").is_err());
        assert!(FuzzyDate::parse("20a8").is_err());
    }
}
