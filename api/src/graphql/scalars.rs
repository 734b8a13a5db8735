//! The contract's `Date` and `DateTime` scalars.
//!
//! Both accept any string at parse time and are checked where they are
//! used, so that a bad value is reported as a `BAD_USER_INPUT` error that
//! names the argument (`asOf: \`2008-13-45\` is not a valid date: month 13
//! does not exist`) rather than as a generic validation failure.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// A calendar date at full precision: YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date(pub String);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Date(s)),
            other => Err(InputValueError::custom(format!("a Date is a string YYYY-MM-DD, not {other}"))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An instant, RFC 3339 with offset: 2008-08-19T16:07:00Z.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime(pub String);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(DateTime(s)),
            other => Err(InputValueError::custom(format!("a DateTime is an RFC 3339 string, not {other}"))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl Date {
    pub fn from_naive(date: chrono::NaiveDate) -> Date {
        Date(date.format("%Y-%m-%d").to_string())
    }
}

impl DateTime {
    /// From microseconds since the Unix epoch, in UTC with a `Z`; a stored
    /// instant out of range is a fault in the store.
    pub fn from_micros(micros: i64) -> crate::error::AppResult<DateTime> {
        let t = chrono::DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| crate::error::AppError::Internal(format!("stored instant {micros} is out of range")))?;
        Ok(DateTime(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
    }
}

/// The string of an optional scalar argument.
pub fn text<T: AsRef<str>>(value: &Option<T>) -> Option<&str> {
    value.as_ref().map(AsRef::as_ref)
}

impl AsRef<str> for Date {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for DateTime {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
