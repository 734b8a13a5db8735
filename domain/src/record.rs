//! Record time: when the knowledge base learned something.
//!
//! Every fact row carries the instant it was written (`recorded_at`) and,
//! once a correction or retraction replaced it, the instant that happened
//! (`superseded_at`); both are microseconds since the Unix epoch, UTC. Rows
//! are never updated otherwise, so "what the knowledge base held at K" is
//! exactly the rows [`Known::visible`] accepts.

/// The record time of a question: now, or an earlier instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Known {
    /// The current state: rows not superseded.
    Now,
    /// Microseconds since the Unix epoch.
    At(i64),
}

impl Known {
    /// Whether a row written at `recorded_at` and superseded at
    /// `superseded_at` (if ever) was part of the knowledge base at this time:
    /// recorded at or before it, and not superseded at or before it.
    pub fn visible(self, recorded_at: i64, superseded_at: Option<i64>) -> bool {
        match self {
            Known::Now => superseded_at.is_none(),
            Known::At(k) => recorded_at <= k && superseded_at.is_none_or(|s| s > k),
        }
    }

    /// The instant of a `knownAt` given as microseconds, where `now` is the
    /// current time: an instant at or after now is the current state.
    pub fn at(instant: i64, now: i64) -> Known {
        if instant >= now {
            Known::Now
        } else {
            Known::At(instant)
        }
    }
}

/// The current time in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_visible_from_its_recording_until_it_is_superseded() {
        assert!(Known::Now.visible(5, None));
        assert!(!Known::Now.visible(5, Some(9)));
        assert!(Known::At(7).visible(5, Some(9)));
        assert!(Known::At(5).visible(5, Some(9)));
        assert!(!Known::At(9).visible(5, Some(9)));
        assert!(!Known::At(4).visible(5, None));
    }

    #[test]
    fn an_instant_not_in_the_past_is_the_current_state() {
        assert_eq!(Known::at(10, 10), Known::Now);
        assert_eq!(Known::at(11, 10), Known::Now);
        assert_eq!(Known::at(9, 10), Known::At(9));
    }
}
