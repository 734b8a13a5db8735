//! Days of valid time, and the open bounds of periods and windows.
//!
//! A [`Day`] is one calendar day. A period's start may be unknown and its
//! end still open; a window asked about may have no start or end: those are
//! [`Since::Ever`] and [`Until::Ever`], values of their own, not numbers far
//! in the past or future. The store keeps every bound in an integer column,
//! and how a bound is written there is decided here, once
//! ([`Since::column`], [`Until::column`]), so that SQL comparing columns and
//! Rust comparing bounds agree.

use crate::edtf::{parse_day, EdtfError};
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// One calendar day, counted from 1970-01-01 (negative before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// How an unknown start is stored: before any day a date can name.
const EVER_SINCE: i32 = -100_000_000;
/// How an open end is stored: after any day a date can name.
const FOR_EVER: i32 = 100_000_000;

impl Day {
    /// The day of a date.
    pub fn of(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce() - EPOCH_DAYS_FROM_CE)
    }

    /// The day `n` days after 1970-01-01.
    pub const fn from_number(n: i32) -> Day {
        Day(n)
    }

    /// Days since 1970-01-01.
    pub const fn number(self) -> i32 {
        self.0
    }

    /// Its date (`None` only outside the calendar's range).
    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.0.checked_add(EPOCH_DAYS_FROM_CE)?)
    }

    /// Parses `YYYY-MM-DD`, as the API's `Date` arguments take it.
    pub fn parse(text: &str) -> Result<Day, EdtfError> {
        parse_day(text).map(Day::of)
    }

    /// Today, in UTC.
    pub fn today() -> Day {
        Day::of(chrono::Utc::now().date_naive())
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day(self.0.saturating_add(1))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.date() {
            Some(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            None => write!(f, "day {}", self.0),
        }
    }
}

/// Where something begins: on a day, or at no known time (it reaches back
/// for ever). `Ever` comes before every day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Since {
    Ever,
    Day(Day),
}

/// Where something ends: on a day, or not at all (it reaches forward for
/// ever). `Ever` comes after every day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Until {
    Day(Day),
    Ever,
}

impl Since {
    /// The bound as the store writes it in an integer column.
    pub const fn column(self) -> i32 {
        match self {
            Since::Ever => EVER_SINCE,
            Since::Day(d) => d.0,
        }
    }

    /// The bound a column holds.
    pub const fn from_column(n: i32) -> Since {
        if n <= EVER_SINCE {
            Since::Ever
        } else {
            Since::Day(Day(n))
        }
    }

    /// The day, when there is one.
    pub const fn day(self) -> Option<Day> {
        match self {
            Since::Ever => None,
            Since::Day(d) => Some(d),
        }
    }
}

impl Until {
    /// The bound as the store writes it in an integer column.
    pub const fn column(self) -> i32 {
        match self {
            Until::Ever => FOR_EVER,
            Until::Day(d) => d.0,
        }
    }

    /// The bound a column holds.
    pub const fn from_column(n: i32) -> Until {
        if n >= FOR_EVER {
            Until::Ever
        } else {
            Until::Day(Day(n))
        }
    }

    /// The day, when there is one.
    pub const fn day(self) -> Option<Day> {
        match self {
            Until::Ever => None,
            Until::Day(d) => Some(d),
        }
    }
}

impl From<Option<Day>> for Since {
    fn from(day: Option<Day>) -> Since {
        day.map_or(Since::Ever, Since::Day)
    }
}

impl From<Option<Day>> for Until {
    fn from(day: Option<Day>) -> Until {
        day.map_or(Until::Ever, Until::Day)
    }
}

/// A stretch of valid time asked about: from a start (or ever) to an end
/// (or for ever), both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Since,
    pub to: Until,
}

impl Span {
    /// All of time.
    pub const ALL: Span = Span { from: Since::Ever, to: Until::Ever };

    /// Whether a day lies in it.
    pub fn contains(self, day: Day) -> bool {
        self.from.column() <= day.0 && day.0 <= self.to.column()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_count_from_1970_and_round_trip() {
        assert_eq!(Day::of(d(1970, 1, 1)).number(), 0);
        assert_eq!(Day::of(d(1970, 1, 2)).number(), 1);
        assert_eq!(Day::of(d(2008, 8, 19)).date(), Some(d(2008, 8, 19)));
        assert_eq!(Day::parse("2008-08-19").unwrap().to_string(), "2008-08-19");
        assert!(Day::parse("2008-13-01").is_err());
    }

    #[test]
    fn open_bounds_lie_beyond_every_real_day_and_survive_their_columns() {
        let first = Day::of(d(0, 1, 1));
        let last = Day::of(d(9999, 12, 31));
        assert!(Since::Ever < Since::Day(first) && Until::Day(last) < Until::Ever);
        assert!(Since::Ever.column() < first.number() && Until::Ever.column() > last.number());
        for bound in [Since::Ever, Since::Day(first), Since::Day(last)] {
            assert_eq!(Since::from_column(bound.column()), bound);
        }
        for bound in [Until::Ever, Until::Day(first), Until::Day(last)] {
            assert_eq!(Until::from_column(bound.column()), bound);
        }
        assert!(Span::ALL.contains(first) && Span::ALL.contains(last));
        let span = Span { from: Since::Day(first), to: Until::Day(first) };
        assert!(span.contains(first) && !span.contains(first.next()));
    }
}
