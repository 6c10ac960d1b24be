//! What a JSON parser lets through silently and an import must not: a key given twice in one object
//! (serde keeps the last), and a field the import format does not have (serde drops it, so a misspelt
//! `studentID` would import a case with no student). Both are problems of the file, at their paths.

use super::import::{problem, Problem};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

/// Every key given twice in one object, anywhere in `text` (which must be valid JSON).
pub fn duplicate_keys(text: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    // A file that is not JSON is reported by the parse itself.
    let _ = Walk { path: "$".into(), found: &mut found }.deserialize(&mut de);
    found
}

/// Keys of `input` (a record as the file writes it) that `read` (the same record as the importer read
/// it, written back) does not have: fields the import format does not know. A key whose value is
/// `null` is an absent optional field, not a problem.
pub fn unknown_fields(path: &str, input: &Value, read: &Value, out: &mut Vec<Problem>) {
    match (input, read) {
        (Value::Object(given), Value::Object(known)) => {
            for (key, value) in given {
                let at = format!("{path}.{key}");
                match known.get(key) {
                    Some(known) => unknown_fields(&at, value, known, out),
                    None if value.is_null() => {}
                    None => {
                        out.push(problem(at, format!("unknown field {key:?}: the import format has no such field")))
                    }
                }
            }
        }
        (Value::Array(given), Value::Array(known)) => {
            for (i, (value, known)) in given.iter().zip(known).enumerate() {
                unknown_fields(&format!("{path}[{i}]"), value, known, out);
            }
        }
        _ => {}
    }
}

/// Walks a JSON document, noting every object key given twice, keeping nothing else.
struct Walk<'a> {
    path: String,
    found: &'a mut Vec<Problem>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk { path, found } = self;
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let at = format!("{path}.{key}");
            if !seen.insert(key) {
                found.push(problem(at.clone(), "given twice in one object; give each field once"));
            }
            map.next_value_seed(Walk { path: at, found: &mut *found })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Walk { path, found } = self;
        let mut i = 0;
        while seq.next_element_seed(Walk { path: format!("{path}[{i}]"), found: &mut *found })?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_given_twice_are_found_at_any_depth() {
        let text = r#"{"cases": [{"id": "c-1", "personOfConcern": {"firstName": "A", "firstName": "B"}},
                                 {"id": "c-2", "id": "c-3"}], "cases": []}"#;
        let paths: Vec<String> = duplicate_keys(text).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["$.cases[0].personOfConcern.firstName", "$.cases[1].id", "$.cases"]);
        assert!(duplicate_keys(r#"{"a": {"b": 1}, "c": {"b": 2}, "d": [{"b": 1}, {"b": 2}]}"#).is_empty());
    }

    #[test]
    fn fields_the_format_does_not_have_are_named() {
        let given = json!({"id": "c-1", "riskLevel": null, "studentID": "s-1",
                           "person": {"firstName": "A", "nick": "B"}, "entries": [{"id": "e-1", "mood": 3}]});
        let read = json!({"id": "c-1", "person": {"firstName": "A"}, "entries": [{"id": "e-1"}]});
        let mut out = Vec::new();
        unknown_fields("$.cases[0]", &given, &read, &mut out);
        let paths: Vec<String> = out.into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["$.cases[0].entries[0].mood", "$.cases[0].person.nick", "$.cases[0].studentID"]);
    }
}
