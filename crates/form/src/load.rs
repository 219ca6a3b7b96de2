//! Reading form files from disk: size caps, JSON syntax errors with line
//! and column, canonical bytes and content hashes.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::check;
use crate::model::Instrument;
use crate::problem::{Problem, Problems};
use crate::read;

/// Form files are small; anything larger is refused before it is parsed.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a file, refusing one over [`MAX_FILE_BYTES`].
pub fn read_capped(p: &mut Problems, path: &Path) -> Option<Vec<u8>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            p.error("", format!("cannot open: {e}"));
            return None;
        }
    };
    let mut bytes = Vec::new();
    match file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => {
            p.error(
                "",
                format!(
                    "the file is larger than {} MiB; form files are small",
                    MAX_FILE_BYTES >> 20
                ),
            );
            None
        }
        Ok(_) => Some(bytes),
        Err(e) => {
            p.error("", format!("cannot read: {e}"));
            None
        }
    }
}

/// Parses JSON, reporting a syntax error with its line and column. A key
/// that appears twice in one object is an error too: a plain parse would
/// silently keep only the last one.
pub fn parse_json(p: &mut Problems, bytes: &[u8]) -> Option<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        p.error("", "the file is empty");
        return None;
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        p.error(
            "line 1, column 1",
            "the file starts with a byte order mark; save it as UTF-8 without one",
        );
        return None;
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let before = &bytes[..e.valid_up_to()];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let col = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        p.error(
            &format!("line {line}, column {col}"),
            "the file is not UTF-8 text; save it as UTF-8",
        );
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match StrictValue
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
    {
        Ok(v) => Some(v),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            // serde_json counts the position just after a line break as column 0.
            p.error(
                &format!("line {}, column {}", e.line(), e.column().max(1)),
                format!("invalid JSON: {msg}"),
            );
            None
        }
    }
}

/// Builds a [`Value`] like serde_json does, refusing duplicate object keys.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key \"{key}\" appears twice in one object"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Compact JSON with object keys sorted, `$schema` left out: the bytes a
/// content hash is taken over, independent of formatting.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out, true);
    out
}

fn write_canonical(v: &Value, out: &mut String, top: bool) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !(top && *k == "$schema")).collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(*k) {
                    write_canonical(inner, out, false);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out, false);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Parses and checks one instrument from bytes. `label` names it in
/// problems (a file path, or where a pinned copy came from).
pub fn instrument_from_bytes(label: &str, bytes: &[u8]) -> (Option<Instrument>, Vec<Problem>) {
    let mut p = Problems::new(label);
    let inst = parse_json(&mut p, bytes).and_then(|v| instrument_from_value(&mut p, &v));
    (inst, p.list)
}

pub fn instrument_from_value(p: &mut Problems, v: &Value) -> Option<Instrument> {
    let read = read::instrument(p, v)?;
    check::instrument(p, &read);
    let mut inst = read.instrument;
    if p.has_errors() {
        return None;
    }
    inst.canonical = canonical(v);
    inst.hash = sha256_hex(inst.canonical.as_bytes());
    Some(inst)
}

/// Loads one instrument file.
pub fn instrument_file(path: &Path) -> (Option<Instrument>, Vec<Problem>) {
    let mut p = Problems::new(&path.display().to_string());
    let inst = read_capped(&mut p, path)
        .and_then(|b| parse_json(&mut p, &b))
        .and_then(|v| instrument_from_value(&mut p, &v));
    (inst, p.list)
}
