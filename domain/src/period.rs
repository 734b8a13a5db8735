//! Valid time: when a status period holds, and which period decides.
//!
//! A period's start and end are fuzzy dates, so each is a range of days: a
//! period "from 2008-08" starts on some day from 1 to 31 August. On a day D
//! a period therefore holds
//!
//! - **possibly**, when D lies between the earliest day its start can denote
//!   and the latest day its end can denote (some reading of the dates makes
//!   it hold), and
//! - **certainly**, when D lies between the latest day its start can denote
//!   and the earliest day its end can denote (every reading does).
//!
//! An unknown start reaches back for ever and an open end forward for ever,
//! so neither makes a period uncertain.
//!
//! Where several periods of one relation possibly hold on D, the one that
//! comes first in [`PRECEDENCE`] decides the status: the later start, then
//! the later record, then the later row. The order is total, so exactly one
//! period decides. The status is **certain** when the deciding period
//! certainly holds: it then holds under every reading and, coming first,
//! decides under every reading too.
//!
//! These rules are data ([`Certainty::rule`], [`PRECEDENCE`]) so that the SQL
//! that filters relations by them is generated from the same definitions;
//! a property test runs both on random periods and compares.

use crate::day::{Day, Since, Until};
use crate::edtf::FuzzyDate;
use crate::kinds::Status;

/// Where a period lies in valid time: each end as the range of days it may
/// denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub from_earliest: Since,
    pub from_latest: Since,
    pub to_earliest: Until,
    pub to_latest: Until,
}

impl Bounds {
    /// The bounds of a period with this start (`None`: unknown) and end
    /// (`None`: still open).
    pub fn of(from: Option<&FuzzyDate>, to: Option<&FuzzyDate>) -> Bounds {
        Bounds {
            from_earliest: from.map(FuzzyDate::earliest_day).into(),
            from_latest: from.map(FuzzyDate::latest_day).into(),
            to_earliest: to.map(FuzzyDate::earliest_day).into(),
            to_latest: to.map(FuzzyDate::latest_day).into(),
        }
    }

    /// The bounds as the store's four columns hold them.
    pub const fn from_columns(from_earliest: i32, from_latest: i32, to_earliest: i32, to_latest: i32) -> Bounds {
        Bounds {
            from_earliest: Since::from_column(from_earliest),
            from_latest: Since::from_column(from_latest),
            to_earliest: Until::from_column(to_earliest),
            to_latest: Until::from_column(to_latest),
        }
    }
}

/// How sure an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Certainty {
    /// Some reading of the fuzzy dates makes it so.
    #[default]
    Possible,
    /// Every reading of the fuzzy dates makes it so.
    Certain,
}

/// A value of a period that the rules compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FromEarliest,
    FromLatest,
    ToEarliest,
    ToLatest,
    RecordedAt,
    Id,
}

/// How a field compares with the day asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// field <= day
    AtMost,
    /// field >= day
    AtLeast,
}

impl Cmp {
    pub fn test(self, field: i64, day: Day) -> bool {
        match self {
            Cmp::AtMost => field <= i64::from(day.number()),
            Cmp::AtLeast => field >= i64::from(day.number()),
        }
    }
}

impl Certainty {
    /// The conditions, all of which must hold, for a period to hold on a day
    /// with this certainty.
    pub const fn rule(self) -> &'static [(Field, Cmp)] {
        match self {
            Certainty::Possible => &[(Field::FromEarliest, Cmp::AtMost), (Field::ToLatest, Cmp::AtLeast)],
            Certainty::Certain => &[(Field::FromLatest, Cmp::AtMost), (Field::ToEarliest, Cmp::AtLeast)],
        }
    }
}

/// Which of several periods holding on one day decides: the greatest by
/// these fields compared in turn (later start, later record, later row).
pub const PRECEDENCE: [Field; 3] = [Field::FromEarliest, Field::RecordedAt, Field::Id];

/// A status period as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub bounds: Bounds,
    pub status: Status,
    /// Record time of the row (microseconds since the Unix epoch).
    pub recorded_at: i64,
    /// The row's id: the last tie-breaker.
    pub id: i64,
}

impl Period {
    pub fn field(&self, field: Field) -> i64 {
        match field {
            Field::FromEarliest => self.bounds.from_earliest.column().into(),
            Field::FromLatest => self.bounds.from_latest.column().into(),
            Field::ToEarliest => self.bounds.to_earliest.column().into(),
            Field::ToLatest => self.bounds.to_latest.column().into(),
            Field::RecordedAt => self.recorded_at,
            Field::Id => self.id,
        }
    }

    /// Whether the period holds on `day` with the given certainty.
    pub fn holds(&self, day: Day, certainty: Certainty) -> bool {
        certainty.rule().iter().all(|(field, cmp)| cmp.test(self.field(*field), day))
    }

    fn precedence(&self) -> [i64; PRECEDENCE.len()] {
        PRECEDENCE.map(|f| self.field(f))
    }
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Index of the deciding period in the slice given.
    pub index: usize,
    pub status: Status,
    /// The deciding period certainly holds, so the status is the same under
    /// every reading of the fuzzy dates.
    pub certain: bool,
}

/// The period that decides a relation's status on `day`, if any possibly holds.
pub fn decide(periods: &[Period], day: Day) -> Option<Decision> {
    let (index, period) = periods
        .iter()
        .enumerate()
        .filter(|(_, p)| p.holds(day, Certainty::Possible))
        .max_by_key(|(_, p)| p.precedence())?;
    Some(Decision { index, status: period.status, certain: period.holds(day, Certainty::Certain) })
}

/// Every status that some reading of the fuzzy dates gives on `day`, the
/// deciding one ([`decide`]) first, then the others in the order of their
/// periods' precedence, latest first.
///
/// A reading fixes each period's start and end to days inside their
/// bounds; under it, [`decide`] picks one period. A period can decide under
/// some reading when it possibly holds on `day` and no other period beats
/// it under every reading: one that certainly holds on `day` and starts
/// after the latest start this one could have on or before `day` (or on
/// that very day and was recorded later).
pub fn possible(periods: &[Period], day: Day) -> Vec<Status> {
    let Some(first) = decide(periods, day) else { return Vec::new() };
    let mut candidates: Vec<&Period> = periods
        .iter()
        .filter(|p| p.holds(day, Certainty::Possible))
        .filter(|p| {
            let latest_start = p.bounds.from_latest.min(Since::Day(day));
            !periods.iter().any(|q| {
                q.holds(day, Certainty::Certain)
                    && (q.bounds.from_earliest > latest_start
                        || (q.bounds.from_earliest == latest_start && (q.recorded_at, q.id) > (p.recorded_at, p.id)))
            })
        })
        .collect();
    candidates.sort_by_key(|p| std::cmp::Reverse(p.precedence()));
    let mut out = vec![first.status];
    for p in candidates {
        if !out.contains(&p.status) {
            out.push(p.status);
        }
    }
    out
}

/// Whether a relation with these periods answers a listing filter on `day`:
/// without a status, whether it holds (with a certain answer: some period
/// certainly holds); with one, whether the deciding period has that status
/// (with a certain answer: and certainly holds).
pub fn matches(periods: &[Period], day: Day, status: Option<Status>, certainty: Certainty) -> bool {
    match status {
        None => periods.iter().any(|p| p.holds(day, certainty)),
        Some(wanted) => {
            decide(periods, day).is_some_and(|d| d.status == wanted && (certainty == Certainty::Possible || d.certain))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn period(from: Option<&str>, to: Option<&str>, status: Status, recorded_at: i64, id: i64) -> Period {
        let from = from.map(|f| FuzzyDate::parse(f).unwrap());
        let to = to.map(|t| FuzzyDate::parse(t).unwrap());
        Period { bounds: Bounds::of(from.as_ref(), to.as_ref()), status, recorded_at, id }
    }

    /// The NATO–Russia Council as the first article tells it.
    fn council() -> [Period; 2] {
        [
            period(Some("2002"), Some("2008-08"), Status::Active, 1, 1),
            period(Some("2008-08"), None, Status::Suspended, 1, 2),
        ]
    }

    #[test]
    fn the_later_start_decides_and_fuzzy_bounds_make_answers_uncertain() {
        let council = council();
        assert_eq!(decide(&council, day("2001-12-31")), None);
        let d = decide(&council, day("2002-01-01")).unwrap();
        assert_eq!((d.status, d.certain), (Status::Active, false), "2002 may mean any day of 2002");
        let d = decide(&council, day("2005-01-01")).unwrap();
        assert_eq!((d.status, d.certain), (Status::Active, true));
        let d = decide(&council, day("2008-08-05")).unwrap();
        assert_eq!((d.index, d.status, d.certain), (1, Status::Suspended, false), "inside August's uncertainty");
        let d = decide(&council, day("2008-09-01")).unwrap();
        assert_eq!((d.status, d.certain), (Status::Suspended, true));
    }

    #[test]
    fn a_tie_of_start_and_record_time_is_broken_by_the_row() {
        // Starts given as `2008` and `2008-01` share their earliest day.
        let tie = [
            period(Some("2008"), None, Status::Active, 7, 10),
            period(Some("2008-01"), None, Status::Suspended, 7, 11),
        ];
        let d = decide(&tie, day("2008-06-01")).unwrap();
        assert_eq!(d.status, Status::Suspended);
        assert!(matches(&tie, day("2008-06-01"), Some(Status::Suspended), Certainty::Possible));
        assert!(!matches(&tie, day("2008-06-01"), Some(Status::Active), Certainty::Possible));
    }

    #[test]
    fn unknown_starts_and_open_ends_are_not_uncertain() {
        let p = [period(None, Some("1999"), Status::Active, 1, 1)];
        assert!(p[0].holds(day("1000-01-01"), Certainty::Certain));
        assert!(!p[0].holds(day("1999-06-01"), Certainty::Certain), "the end may be any day of 1999");
        assert!(p[0].holds(day("1999-06-01"), Certainty::Possible));
        assert!(!p[0].holds(day("2000-01-01"), Certainty::Possible));
    }

    #[test]
    fn listing_filters_follow_the_decision() {
        let council = council();
        let d = day("2008-08-05");
        assert!(matches(&council, d, None, Certainty::Possible));
        assert!(!matches(&council, d, None, Certainty::Certain), "neither period surely holds on 5 August");
        assert!(matches(&council, d, Some(Status::Suspended), Certainty::Possible));
        assert!(!matches(&council, d, Some(Status::Suspended), Certainty::Certain));
        assert!(!matches(&council, d, Some(Status::Active), Certainty::Possible), "the later start decides");
    }

    #[test]
    fn a_day_inside_both_uncertainties_names_both_statuses() {
        let council = council();
        assert_eq!(possible(&council, day("2005-01-01")), [Status::Active]);
        assert_eq!(possible(&council, day("2008-08-01")), [Status::Suspended, Status::Active]);
        assert_eq!(possible(&council, day("2008-08-30")), [Status::Suspended, Status::Active]);
        // By the 31st the suspension has begun under every reading, and a
        // later start decides.
        assert_eq!(possible(&council, day("2008-08-31")), [Status::Suspended]);
        assert_eq!(possible(&council, day("2008-09-01")), [Status::Suspended]);
        assert_eq!(possible(&council, day("2001-06-01")), Vec::<Status>::new());
        // A suspension known to the day leaves no doubt after it.
        let exact = [
            period(Some("2002"), Some("2008-08"), Status::Active, 1, 1),
            period(Some("2008-08-19"), None, Status::Suspended, 1, 2),
        ];
        assert_eq!(possible(&exact, day("2008-08-10")), [Status::Active]);
        assert_eq!(possible(&exact, day("2008-08-19")), [Status::Suspended]);
    }

    mod readings {
        use super::*;
        use proptest::prelude::*;

        /// Small periods on days 0..6; `None` bounds are unknown / open.
        fn periods() -> impl Strategy<Value = Vec<Period>> {
            let bound = || prop::option::of((0i32..6, 0i32..3).prop_map(|(a, w)| (a, (a + w).min(5))));
            let status = prop::sample::select(vec![Status::Proposed, Status::Active, Status::Suspended, Status::Ended]);
            prop::collection::vec((bound(), bound(), status, 0i64..3), 1..4).prop_map(|specs| {
                specs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (from, to, status, recorded_at))| Period {
                        bounds: Bounds {
                            from_earliest: from.map(|f| Day::from_number(f.0)).into(),
                            from_latest: from.map(|f| Day::from_number(f.1)).into(),
                            to_earliest: to.map(|t| Day::from_number(t.0)).into(),
                            to_latest: to.map(|t| Day::from_number(t.1)).into(),
                        },
                        status,
                        recorded_at,
                        id: i as i64,
                    })
                    .collect()
            })
        }

        /// Every exact reading of one period: a start and an end day inside its bounds.
        fn exact(p: &Period) -> Vec<Period> {
            let mut out = Vec::new();
            for s in p.bounds.from_earliest.column()..=p.bounds.from_latest.column() {
                for e in p.bounds.to_earliest.column()..=p.bounds.to_latest.column() {
                    let bounds = Bounds::from_columns(s, s, e, e);
                    out.push(Period { bounds, ..*p });
                }
            }
            out
        }

        /// The statuses `decide` gives on `day` over every reading of the periods.
        fn by_brute_force(periods: &[Period], day: Day) -> Vec<Status> {
            // Sentinels stand for themselves: narrow them to one value each.
            let narrowed: Vec<Vec<Period>> = periods.iter().map(exact).collect();
            let mut found = Vec::new();
            let mut choice = vec![0usize; periods.len()];
            loop {
                let reading: Vec<Period> = choice.iter().zip(&narrowed).map(|(c, r)| r[*c]).collect();
                if let Some(d) = decide(&reading, day) {
                    if !found.contains(&d.status) {
                        found.push(d.status);
                    }
                }
                let mut i = 0;
                loop {
                    if i == choice.len() {
                        return found;
                    }
                    choice[i] += 1;
                    if choice[i] < narrowed[i].len() {
                        break;
                    }
                    choice[i] = 0;
                    i += 1;
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn possible_is_what_some_reading_decides(periods in periods(), day in (0i32..6).prop_map(Day::from_number)) {
                let mut fast = possible(&periods, day);
                let mut slow = by_brute_force(&periods, day);
                if let Some(d) = decide(&periods, day) {
                    prop_assert_eq!(fast.first().copied(), Some(d.status));
                }
                fast.sort_by_key(|s| s.as_str());
                slow.sort_by_key(|s| s.as_str());
                prop_assert_eq!(fast, slow);
            }
        }
    }
}
