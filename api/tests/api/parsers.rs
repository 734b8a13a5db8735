//! The parsers a request reaches never panic, whatever they are given, and
//! refuse what they cannot read with an error that keeps its message short:
//! dates, cursors, global IDs and bundle TOML.

use api::graphql::common::decode_cursor;
use api::graphql::ids::decode;
use domain::edtf::{parse_day, FuzzyDate};
use proptest::prelude::*;

/// Text that looks like what the parsers expect, mangled.
fn near_date() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop::sample::select(vec!['0', '1', '2', '8', '9', 'X', '-', '/', '~', '?', '%', '.', ' ', 'é', '\u{0}']),
            0..24,
        ),
        any::<u32>(),
    )
        .prop_map(|(chars, seed)| {
            let mut s: String = chars.into_iter().collect();
            if seed % 3 == 0 {
                s = format!("2008-{s}");
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn dates_never_panic(text in prop_oneof![any::<String>(), near_date()]) {
        if let Err(e) = FuzzyDate::parse(&text) {
            prop_assert!(e.to_string().chars().count() < 200, "{}", e);
        }
        if let Ok(day) = parse_day(&text) {
            prop_assert_eq!(day.format("%Y-%m-%d").to_string(), text.clone());
        }
        use async_graphql::ScalarType;
        let date = api::graphql::scalars::Date::parse(async_graphql::Value::String(text.clone())).expect("a string");
        let instant = api::graphql::scalars::DateTime::parse(async_graphql::Value::String(text.clone())).expect("a string");
        let _ = api::time::span(Some(&date), None);
        let _ = api::time::known_at(Some(&instant));
    }

    #[test]
    fn parsed_dates_keep_their_text_and_order_their_days(text in near_date()) {
        if let Ok(d) = FuzzyDate::parse(&text) {
            prop_assert_eq!(&d.edtf, &text);
            prop_assert!(d.earliest <= d.latest);
        }
    }

    #[test]
    fn cursors_and_ids_never_panic(text in prop_oneof![any::<String>(), "[A-Za-z0-9_-]{0,80}"]) {
        if let Err(e) = decode_cursor(&text, "rel", 1) {
            prop_assert!(e.message().chars().count() < 200);
        }
        if let Err(e) = decode(&text) {
            prop_assert!(e.message().chars().count() < 200);
        }
    }

    #[test]
    fn bundle_toml_never_panics(text in prop_oneof![
        any::<String>(),
        "\\[article\\]\nkey = \"[a-z-]{0,8}\"\ntitle = \".{0,8}\"\npublisher = \"p\"\npublished_at = \".{0,25}\"\n(\\[\\[entities\\]\\]\nslug = \"[a-z]{0,4}\"\n(kind = \"actor\"\n)?(category = \"[a-z]{0,6}\"\n)?)?",
    ]) {
        let _ = seed::bundle::parse("fuzz.toml", &text);
    }
}

#[test]
fn round_trips_survive_the_parsers() {
    use api::graphql::common::encode_cursor;
    let cursor = encode_cursor(&["rel", "nato-russia-council"]);
    assert_eq!(decode_cursor(&cursor, "rel", 1).expect("decodes"), ["nato-russia-council"]);
    assert!(decode_cursor(&cursor, "ev", 1).is_err(), "a cursor of another list is refused");
    let id = api::graphql::ids::encode(api::graphql::ids::IdKind::Event, "ceasefire-2008-08");
    assert_eq!(decode(&id).expect("decodes").1, "ceasefire-2008-08");
}
