//! Reading form files from disk: size caps, JSON syntax errors with line
//! and column, canonical bytes and content hashes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::check;
use super::model::Instrument;
use super::problem::{Problem, Problems};
use super::read;

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

/// Parses JSON, reporting a syntax error with its line and column.
pub fn parse_json(p: &mut Problems, bytes: &[u8]) -> Option<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        p.error("", "the file is empty");
        return None;
    }
    match serde_json::from_slice(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            p.error(
                &format!("line {}, column {}", e.line(), e.column()),
                format!("invalid JSON: {msg}"),
            );
            None
        }
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
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
