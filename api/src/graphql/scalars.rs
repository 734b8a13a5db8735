//! The contract's `Date` and `DateTime` scalars, parsed once, where the
//! request enters.
//!
//! A value that does not parse is kept with its reason rather than refused
//! by the scalar, so that the resolver reporting it can name the argument:
//! `asOf: \`2008-13-45\` is not a valid date: month 13 does not exist`
//! (`BAD_USER_INPUT`), not a generic validation failure. Nothing parses the
//! text again: a resolver takes the parsed [`Day`] or instant, or that error.

use crate::error::{AppError, AppResult};
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use domain::Day;

/// A calendar date at full precision: YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    text: String,
    parsed: Result<Day, String>,
}

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => {
                let parsed = Day::parse(&text).map_err(|e| e.to_string());
                Ok(Date { text, parsed })
            }
            other => Err(InputValueError::custom(format!("a Date is a string YYYY-MM-DD, not {other}"))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.text.clone())
    }
}

impl Date {
    /// The day of a date known to be valid.
    pub fn of(day: Day) -> Date {
        Date { text: day.to_string(), parsed: Ok(day) }
    }

    pub fn from_naive(date: chrono::NaiveDate) -> Date {
        Date::of(Day::of(date))
    }

    /// The day, or a `BAD_USER_INPUT` error naming `argument`.
    pub fn day(&self, argument: &str) -> AppResult<Day> {
        self.parsed.clone().map_err(|why| AppError::bad_input(format!("{argument}: {why}")))
    }
}

/// An instant, RFC 3339 with offset: 2008-08-19T16:07:00Z.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime {
    text: String,
    /// Microseconds since the Unix epoch.
    parsed: Result<i64, String>,
}

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => {
                let parsed = chrono::DateTime::parse_from_rfc3339(&text).map(|t| t.timestamp_micros()).map_err(|e| {
                    let shown: String = text.chars().take(40).collect();
                    format!("`{shown}` is not an RFC 3339 date-time with offset (like 2008-08-19T16:07:00Z): {e}")
                });
                Ok(DateTime { text, parsed })
            }
            other => Err(InputValueError::custom(format!("a DateTime is an RFC 3339 string, not {other}"))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.text.clone())
    }
}

impl DateTime {
    /// From microseconds since the Unix epoch, in UTC with a `Z`; a stored
    /// instant out of range is a fault in the store.
    pub fn from_micros(micros: i64) -> AppResult<DateTime> {
        let t = chrono::DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| AppError::Internal(format!("stored instant {micros} is out of range")))?;
        Ok(DateTime { text: t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), parsed: Ok(micros) })
    }

    /// The instant in microseconds, or a `BAD_USER_INPUT` error naming `argument`.
    pub fn micros(&self, argument: &str) -> AppResult<i64> {
        self.parsed.clone().map_err(|why| AppError::bad_input(format!("{argument}: {why}")))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}
