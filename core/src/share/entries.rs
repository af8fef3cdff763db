//! The share document for every category but the coping plan: an automerge map of entries
//! keyed by id, each a JSON value mapped onto automerge maps, lists and scalars.
//!
//! ```text
//! { schema: 1, app: "recovery-companion/share", category: "<category>",   // scalars
//!   entries: { <id>: <JSON object as automerge Map> } }
//! ```
//!
//! Strings are scalar strings (never collaborative Text: only the client writes these
//! documents, and a JavaScript reader gets plain strings); numbers are Int or F64; `null` is
//! Null. Updating the document to a new projection rewrites only entries whose value changed
//! and deletes entries no longer projected.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value as AmValue, ROOT};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

pub const SCHEMA: i64 = 1;
pub const APP: &str = "recovery-companion/share";
const GENESIS_ACTOR: &[u8; 16] = b"companion-shr-00";

fn am(_: automerge::AutomergeError) -> Error {
    Error::Document("a shared document could not be changed")
}

/// A new document for `category`: its root keys come from a fixed genesis change, so two
/// copies (client and clinician) never conflict on them.
pub fn genesis(category: &str) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
    doc.put(ROOT, "schema", ScalarValue::Int(SCHEMA)).map_err(am)?;
    doc.put(ROOT, "app", APP).map_err(am)?;
    doc.put(ROOT, "category", category).map_err(am)?;
    doc.put_object(ROOT, "entries", ObjType::Map).map_err(am)?;
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    Ok(doc)
}

fn entries_obj(doc: &AutoCommit) -> Result<ObjId> {
    match doc.get(ROOT, "entries").map_err(am)? {
        Some((AmValue::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(Error::Document("the shared document has no entries")),
    }
}

fn write_value(doc: &mut AutoCommit, obj: &ObjId, key: Key<'_>, v: &Value) -> Result<()> {
    match v {
        Value::Object(m) => {
            let child = match key {
                Key::Map(k) => doc.put_object(obj, k, ObjType::Map),
                Key::List(i) => doc.insert_object(obj, i, ObjType::Map),
            }
            .map_err(am)?;
            for (k, v) in m {
                write_value(doc, &child, Key::Map(k), v)?;
            }
        }
        Value::Array(a) => {
            let child = match key {
                Key::Map(k) => doc.put_object(obj, k, ObjType::List),
                Key::List(i) => doc.insert_object(obj, i, ObjType::List),
            }
            .map_err(am)?;
            for (i, v) in a.iter().enumerate() {
                write_value(doc, &child, Key::List(i), v)?;
            }
        }
        scalar => {
            let s = match scalar {
                Value::Null => ScalarValue::Null,
                Value::Bool(b) => ScalarValue::Boolean(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => ScalarValue::Int(i),
                    None => ScalarValue::F64(n.as_f64().unwrap_or(0.0)),
                },
                Value::String(s) => ScalarValue::Str(s.as_str().into()),
                _ => ScalarValue::Null,
            };
            match key {
                Key::Map(k) => doc.put(obj, k, s),
                Key::List(i) => doc.insert(obj, i, s),
            }
            .map_err(am)?;
        }
    }
    Ok(())
}

enum Key<'a> {
    Map(&'a str),
    List(usize),
}

/// Read any automerge value back as JSON (Text as a string).
pub fn read_value<R: ReadDoc>(doc: &R, v: AmValue<'_>, id: &ObjId) -> Value {
    match v {
        AmValue::Object(ObjType::Map) | AmValue::Object(ObjType::Table) => {
            let mut m = Map::new();
            for k in doc.keys(id) {
                if let Ok(Some((v, cid))) = doc.get(id, &k) {
                    m.insert(k, read_value(doc, v, &cid));
                }
            }
            Value::Object(m)
        }
        AmValue::Object(ObjType::List) => {
            let n = doc.length(id);
            Value::Array(
                (0..n).filter_map(|i| doc.get(id, i).ok().flatten().map(|(v, cid)| read_value(doc, v, &cid))).collect(),
            )
        }
        AmValue::Object(ObjType::Text) => Value::String(doc.text(id).unwrap_or_default()),
        AmValue::Scalar(s) => match s.as_ref() {
            ScalarValue::Null => Value::Null,
            ScalarValue::Boolean(b) => Value::Bool(*b),
            ScalarValue::Int(i) => Value::Number((*i).into()),
            ScalarValue::Uint(u) => Value::Number((*u).into()),
            ScalarValue::F64(f) => Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            ScalarValue::Str(s) => Value::String(s.to_string()),
            ScalarValue::Timestamp(t) => Value::Number((*t).into()),
            ScalarValue::Counter(c) => Value::Number(i64::from(c).into()),
            _ => Value::Null,
        },
    }
}

/// Every entry of a share document.
pub fn read_entries<R: ReadDoc>(doc: &R) -> Result<BTreeMap<String, Value>> {
    let obj = match doc.get(ROOT, "entries").map_err(am)? {
        Some((AmValue::Object(ObjType::Map), id)) => id,
        _ => return Err(Error::Document("the shared document has no entries")),
    };
    let mut out = BTreeMap::new();
    for k in doc.keys(&obj) {
        if let Ok(Some((v, id))) = doc.get(&obj, &k) {
            out.insert(k, read_value(doc, v, &id));
        }
    }
    Ok(out)
}

/// Bring the document's entries to exactly `desired`. Returns how many entries changed.
pub fn update(doc: &mut AutoCommit, desired: &BTreeMap<String, Value>) -> Result<usize> {
    let obj = entries_obj(doc)?;
    let current = read_entries(doc)?;
    let mut changed = 0;
    for k in current.keys() {
        if !desired.contains_key(k) {
            doc.delete(&obj, k.as_str()).map_err(am)?;
            changed += 1;
        }
    }
    for (k, v) in desired {
        if current.get(k) != Some(v) {
            write_value(doc, &obj, Key::Map(k), v)?;
            changed += 1;
        }
    }
    if changed > 0 {
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    }
    Ok(changed)
}

/// A short digest of an entry's value (FNV-1a over its canonical JSON), to tell what changed
/// without reading the document back.
pub fn digest(v: &Value) -> u64 {
    let text = serde_json::to_string(v).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// [`update`] using the digests of what was last written instead of reading the document:
/// only entries whose digest changed are rewritten. `digests` is updated to match.
pub fn update_with_digests(
    doc: &mut AutoCommit,
    desired: &BTreeMap<String, Value>,
    digests: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let obj = entries_obj(doc)?;
    let mut changed = 0;
    let stale: Vec<String> = digests.keys().filter(|k| !desired.contains_key(*k)).cloned().collect();
    for k in stale {
        if doc.get(&obj, k.as_str()).map_err(am)?.is_some() {
            doc.delete(&obj, k.as_str()).map_err(am)?;
        }
        digests.remove(&k);
        changed += 1;
    }
    for (k, v) in desired {
        let d = digest(v);
        if digests.get(k) != Some(&d) {
            write_value(doc, &obj, Key::Map(k), v)?;
            digests.insert(k.clone(), d);
            changed += 1;
        }
    }
    if changed > 0 {
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    }
    Ok(changed)
}

/// Digests of every entry now in the document (to start tracking an existing document).
pub fn digests_of<R: ReadDoc>(doc: &R) -> Result<BTreeMap<String, u64>> {
    Ok(read_entries(doc)?.iter().map(|(k, v)| (k.clone(), digest(v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_adds_changes_and_removes_entries() {
        let mut doc = genesis("urges").unwrap();
        let mut want = BTreeMap::new();
        want.insert(
            "a".to_string(),
            json!({"intensity": 7, "triggers": ["lonely", "tired"], "note": null, "x": 1.5, "ok": true}),
        );
        want.insert("b".to_string(), json!({"intensity": 2}));
        assert_eq!(update(&mut doc, &want).unwrap(), 2);
        assert_eq!(read_entries(&doc).unwrap(), want);
        assert_eq!(update(&mut doc, &want).unwrap(), 0, "no change, no write");
        want.remove("b");
        want.insert("a".to_string(), json!({"intensity": 8, "triggers": ["lonely"]}));
        assert_eq!(update(&mut doc, &want).unwrap(), 2);
        assert_eq!(read_entries(&doc).unwrap(), want);
        // Tracking by digest gives the same document.
        let mut other = genesis("urges").unwrap();
        let mut digests = BTreeMap::new();
        update_with_digests(&mut other, &want, &mut digests).unwrap();
        assert_eq!(read_entries(&other).unwrap(), want);
        assert_eq!(update_with_digests(&mut other, &want, &mut digests).unwrap(), 0);
        assert_eq!(digests, digests_of(&other).unwrap());
        // Another copy from the bytes reads the same.
        let copy = AutoCommit::load(&doc.save()).unwrap();
        assert_eq!(read_entries(&copy).unwrap(), want);
    }
}
