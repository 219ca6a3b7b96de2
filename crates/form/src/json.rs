//! Typed access to a parsed JSON value that records a problem, with its JSON
//! path, instead of stopping at the first one.

use serde_json::{Map, Value};

use crate::problem::Problems;
use crate::text::Text;

pub type Obj = Map<String, Value>;

/// Whether an identifier can be an analysis variable name in Stata, SPSS and R.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 32
}

pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub fn join(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// An object whose keys must all be in `allowed`; unknown keys are errors.
pub fn object<'v>(p: &mut Problems, v: &'v Value, path: &str, allowed: &[&str]) -> Option<&'v Obj> {
    let Value::Object(map) = v else {
        p.error(path, format!("expected an object, found {}", describe(v)));
        return None;
    };
    only_keys(p, map, path, allowed);
    Some(map)
}

/// Records an error for every key of `map` that is not in `allowed`.
pub fn only_keys(p: &mut Problems, map: &Obj, path: &str, allowed: &[&str]) {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            p.error(
                &join(path, key),
                format!("unknown field '{key}' (allowed: {})", allowed.join(", ")),
            );
        }
    }
}

pub fn string(
    p: &mut Problems,
    obj: &Obj,
    key: &str,
    path: &str,
    required: bool,
) -> Option<String> {
    match obj.get(key) {
        None if required => {
            p.error(path, format!("missing field '{key}'"));
            None
        }
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            p.error(
                &join(path, key),
                format!("expected a string, found {}", describe(other)),
            );
            None
        }
    }
}

pub fn id(p: &mut Problems, obj: &Obj, key: &str, path: &str) -> Option<String> {
    let id = string(p, obj, key, path, true)?;
    if !valid_id(&id) {
        p.error(
            &join(path, key),
            format!(
                "'{id}' is not a valid variable name: a letter, then letters, digits or '_', \
                 at most 32 characters"
            ),
        );
    }
    Some(id)
}

pub fn integer(p: &mut Problems, obj: &Obj, key: &str, path: &str) -> Option<i64> {
    match obj.get(key)? {
        Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
        Value::Number(n) => {
            p.error(
                &join(path, key),
                format!("expected a whole number, found {n}"),
            );
            None
        }
        other => {
            p.error(
                &join(path, key),
                format!("expected a whole number, found {}", describe(other)),
            );
            None
        }
    }
}

pub fn number(p: &mut Problems, obj: &Obj, key: &str, path: &str) -> Option<f64> {
    match obj.get(key)? {
        Value::Number(n) => n.as_f64(),
        other => {
            p.error(
                &join(path, key),
                format!("expected a number, found {}", describe(other)),
            );
            None
        }
    }
}

pub fn boolean(p: &mut Problems, obj: &Obj, key: &str, path: &str) -> Option<bool> {
    match obj.get(key)? {
        Value::Bool(b) => Some(*b),
        other => {
            p.error(
                &join(path, key),
                format!("expected true or false, found {}", describe(other)),
            );
            None
        }
    }
}

pub fn array<'v>(
    p: &mut Problems,
    obj: &'v Obj,
    key: &str,
    path: &str,
    required: bool,
) -> Option<&'v Vec<Value>> {
    match obj.get(key) {
        None if required => {
            p.error(path, format!("missing field '{key}'"));
            None
        }
        None => None,
        Some(Value::Array(a)) => Some(a),
        Some(other) => {
            p.error(
                &join(path, key),
                format!("expected a list, found {}", describe(other)),
            );
            None
        }
    }
}

/// A `{ "nb": …, "nn": …, "en": … }` text. `nb` is required and must not
/// be blank; a missing `en` is a warning; `nn` is optional (bokmål is shown
/// instead). Any other language key (`se`, `pl`…) is accepted and kept.
pub fn text(p: &mut Problems, obj: &Obj, key: &str, path: &str, required: bool) -> Option<Text> {
    let Some(v) = obj.get(key) else {
        if required {
            p.error(path, format!("missing field '{key}'"));
        }
        return None;
    };
    let path = join(path, key);
    let Value::Object(map) = v else {
        p.error(&path, format!("expected an object, found {}", describe(v)));
        return None;
    };
    let nb = string(p, map, "nb", &path, true);
    let en = string(p, map, "en", &path, false);
    let nn = string(p, map, "nn", &path, false);
    let mut other = std::collections::BTreeMap::new();
    for k in map
        .keys()
        .filter(|k| !["nb", "nn", "en"].contains(&k.as_str()))
    {
        if !is_language_key(k) {
            p.error(
                &join(&path, k),
                format!("unknown field '{k}': a text's keys are language codes (nb, nn, en, …)"),
            );
        } else if let Some(t) = string(p, map, k, &path, false) {
            other.insert(k.clone(), t);
        }
    }
    if nb.as_deref().is_some_and(|s| s.trim().is_empty()) {
        p.error(&join(&path, "nb"), "the bokmål text is empty");
    }
    if en.is_none() && map.contains_key("nb") {
        p.warn(&path, "no English text ('en')");
    }
    Some(Text {
        nb: nb?,
        en,
        nn,
        other,
    })
}

/// A language code: two or three lower-case letters, e.g. `se` or `smj`.
fn is_language_key(k: &str) -> bool {
    (2..=3).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_lowercase())
}
