//! Bounds on nesting, checked before any parser or recursive walk sees the
//! input.
//!
//! The GraphQL parser, validation, the cost calculator, value conversion and
//! even dropping a parsed value all recurse once per level of nesting, so a
//! few kilobytes of brackets (`[[[[…]]]]`, `{a:{a:…}}`) would exhaust a
//! worker's stack and abort the whole process. Both checks here are plain
//! loops: they look at the raw text (or JSON value) once, keep a counter and
//! stop as soon as the limit is passed, so they cost nothing recursive
//! however deep the input is.

use serde_json::Value;

/// Deepest bracket nesting a document may have: `{`, `[` and `(` counted
/// together, outside strings and comments. A query at the depth limit with
/// arguments holding nested lists and objects stays well inside it.
pub const MAX_DOCUMENT_NESTING: usize = 64;

/// Deepest nesting of a JSON value (variables, extensions, a message).
pub const MAX_JSON_NESTING: usize = 64;

/// The deepest bracket nesting of a GraphQL document's text, counting at
/// most to `limit + 1` (it stops reading there).
pub fn document_depth(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > deepest {
                    deepest = depth;
                    if deepest > limit {
                        return deepest;
                    }
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The deepest nesting of a JSON value's arrays and objects, counting at
/// most to `limit + 1`. A scalar is 0 deep, `[]` and `{}` 1.
pub fn json_depth(value: &Value, limit: usize) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, level)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        let level = level + 1;
        deepest = deepest.max(level);
        if deepest > limit {
            return deepest;
        }
        pending.extend(children.map(|child| (child, level)));
    }
    deepest
}

/// Why an input was refused: what it was and how deep it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    pub what: &'static str,
    pub limit: usize,
}

impl TooDeep {
    /// The message a client reads (with code `INPUT_TOO_LARGE`).
    pub fn message(&self) -> String {
        format!("{} nests brackets more than {} deep; send flatter input", self.what, self.limit)
    }
}

/// Refuses a document nested past [`MAX_DOCUMENT_NESTING`].
pub fn check_document(text: &str) -> Result<(), TooDeep> {
    if document_depth(text, MAX_DOCUMENT_NESTING) > MAX_DOCUMENT_NESTING {
        return Err(TooDeep { what: "the document", limit: MAX_DOCUMENT_NESTING });
    }
    Ok(())
}

/// Refuses a JSON value nested past [`MAX_JSON_NESTING`].
pub fn check_json(what: &'static str, value: &Value) -> Result<(), TooDeep> {
    if json_depth(value, MAX_JSON_NESTING) > MAX_JSON_NESTING {
        return Err(TooDeep { what, limit: MAX_JSON_NESTING });
    }
    Ok(())
}

/// Whether a JSON parse failed on its own nesting bound (serde_json stops at
/// 128 levels), rather than on syntax.
pub fn is_json_too_deep(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("recursion limit exceeded")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
        format!("{}{}{}", open.repeat(n), inner, close.repeat(n))
    }

    #[test]
    fn brackets_are_counted_outside_strings_and_comments() {
        assert_eq!(document_depth("{ a }", 64), 1);
        assert_eq!(document_depth("{ a(x: [[1]]) { b } }", 64), 4);
        assert_eq!(document_depth("{ a(x: \"[[[[{{{{\") }", 64), 2);
        assert_eq!(document_depth("{ a(x: \"\\\"[[[\") }", 64), 2);
        assert_eq!(document_depth("{ a(x: \"\"\"[[[ \\\"\"\" [[[ \"\"\") }", 64), 2);
        assert_eq!(document_depth("# [[[[[\n{ a }", 64), 1);
        assert_eq!(document_depth("}}}] { a }", 64), 1);
    }

    #[test]
    fn every_bracket_kind_is_refused_past_the_limit_at_any_depth() {
        let limit = MAX_DOCUMENT_NESTING;
        for n in [limit + 1, 10 * limit, 2_000, 100_000] {
            for (open, inner, close) in [("[", "\"nato\"", "]"), ("{a:", "1", "}"), ("{ a ", "", "}"), ("(", "", ")")] {
                let text = format!("{{ relations(between: {}) {{ totalCount }} }}", nested(open, inner, close, n));
                assert_eq!(check_document(&text), Err(TooDeep { what: "the document", limit }), "{open} x {n}");
            }
        }
        let fine = format!("{{ relations(between: {}) {{ totalCount }} }}", nested("[", "\"nato\"", "]", limit - 3));
        assert_eq!(check_document(&fine), Ok(()));
    }

    #[test]
    fn json_nesting_is_measured_without_recursion() {
        assert_eq!(json_depth(&serde_json::json!(1), 64), 0);
        assert_eq!(json_depth(&serde_json::json!({ "a": [1, { "b": [] }] }), 64), 4);
        let mut deep = Value::Null;
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        assert_eq!(json_depth(&deep, MAX_JSON_NESTING), MAX_JSON_NESTING + 1);
        assert!(check_json("variables", &deep).is_err());
        // Dropping it must not recurse either: take it apart by hand.
        let mut rest = vec![deep];
        while let Some(v) = rest.pop() {
            if let Value::Array(items) = v {
                rest.extend(items);
            }
        }
    }

    #[test]
    fn serde_json_refuses_deep_input_itself_and_is_told_apart() {
        let text = nested("[", "1", "]", 100_000);
        let error = serde_json::from_str::<Value>(&text).expect_err("too deep for serde_json");
        assert!(is_json_too_deep(&error));
        let error = serde_json::from_str::<Value>("[1,").expect_err("not JSON");
        assert!(!is_json_too_deep(&error));
    }
}
