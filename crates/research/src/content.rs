//! Verified content: every pinned instrument of a batch must be the text
//! its hash says and load as an instrument; an (id, version) the store
//! already has under another hash is refused; and every variable of every
//! session must be a question, matrix row or score of the instrument it
//! names, in a state that fits, with a value the question accepts (declared
//! codes, ranges, types). A batch failing any of this is refused whole,
//! naming the session and variable, so one forged file cannot break the
//! dataset for the whole store.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use kohort_batch::{Opened, PinnedContent, SessionRecord, digest};
use kohort_form::{Instrument, Item, ItemKind, Severity};

use crate::error::Result;

/// Why the batch's content cannot be trusted, if it cannot.
pub fn check(conn: &Connection, o: &Opened) -> Result<Option<String>> {
    let mut loaded: HashMap<String, Instrument> = HashMap::new();
    for p in &o.payload.instruments {
        match instrument(conn, p)? {
            Ok(inst) => {
                loaded.insert(p.hash.clone(), inst);
            }
            Err(reason) => return Ok(Some(reason)),
        }
    }
    for r in &o.records {
        if let Some(reason) = session(conn, r, &mut loaded)? {
            return Ok(Some(format!("session {}: {reason}", r.id)));
        }
    }
    Ok(None)
}

fn instrument(conn: &Connection, p: &PinnedContent) -> Result<Result<Instrument, String>> {
    let name = format!("instrument {} {}", p.id, p.version);
    if digest::sha256_hex(p.canonical.as_bytes()) != p.hash {
        return Ok(Err(format!("{name}: its text does not match its hash")));
    }
    let other: Option<String> = conn
        .query_row(
            "SELECT hash FROM instruments WHERE id = ?1 AND version = ?2 AND hash <> ?3",
            [&p.id, &p.version, &p.hash],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(h) = other {
        return Ok(Err(format!(
            "{name}: the store already has this id and version with other content \
             (hash {h}); a changed instrument needs a new version"
        )));
    }
    let (inst, problems) = kohort_form::load::instrument_from_bytes(&name, p.canonical.as_bytes());
    let Some(inst) = inst else {
        let first = problems
            .iter()
            .find(|x| x.severity == Severity::Error)
            .map_or_else(String::new, |x| format!(": {} at {}", x.message, x.path));
        return Ok(Err(format!("{name} does not load as an instrument{first}")));
    };
    if inst.id != p.id || inst.version != p.version {
        return Ok(Err(format!(
            "{name}: its text is instrument {} {}",
            inst.id, inst.version
        )));
    }
    Ok(Ok(inst))
}

/// Checks one session's variables against its pinned instruments (from the
/// batch, or from the store for instruments sent before).
fn session(
    conn: &Connection,
    r: &SessionRecord,
    loaded: &mut HashMap<String, Instrument>,
) -> Result<Option<String>> {
    let mut items: HashMap<(&str, &str), (Item, bool)> = HashMap::new();
    for pin in &r.instruments {
        if !loaded.contains_key(&pin.hash) {
            let stored: Option<String> = conn
                .query_row(
                    "SELECT canonical FROM instruments WHERE hash = ?1",
                    [&pin.hash],
                    |row| row.get(0),
                )
                .optional()?;
            let inst = stored.and_then(|text| {
                kohort_form::load::instrument_from_bytes(&pin.id, text.as_bytes()).0
            });
            match inst {
                Some(i) => loaded.insert(pin.hash.clone(), i),
                None => {
                    return Ok(Some(format!(
                        "instrument {} {} (hash {}) is neither in the batch nor in the store",
                        pin.id, pin.version, pin.hash
                    )));
                }
            };
        }
    }
    for pin in &r.instruments {
        let inst = &loaded[&pin.hash];
        if inst.id != pin.id || inst.version != pin.version {
            return Ok(Some(format!(
                "pins {} {} with the hash of {} {}",
                pin.id, pin.version, inst.id, inst.version
            )));
        }
        for item in &inst.items {
            if let ItemKind::Matrix { rows, .. } = &item.kind {
                for row in rows {
                    items.insert((pin.id.as_str(), row.id.as_str()), (item.clone(), true));
                }
            }
        }
        for item in &inst.items {
            items.insert((pin.id.as_str(), item.id.as_str()), (item.clone(), false));
        }
    }
    for v in &r.variables {
        let Some((item, row)) = items.get(&(v.instrument.as_str(), v.name.as_str())) else {
            return Ok(Some(format!(
                "variable {} is not a question of instrument {}",
                v.name, v.instrument
            )));
        };
        if let Some(reason) = fits(item, *row, &v.state, v.value.as_ref()) {
            return Ok(Some(format!("variable {}: {reason}", v.name)));
        }
    }
    Ok(None)
}

/// Whether a state and value fit the item.
fn fits(
    item: &Item,
    row: bool,
    state: &str,
    value: Option<&kohort_form::AnswerValue>,
) -> Option<String> {
    let known = [
        "answered",
        "declined",
        "skipped",
        "not_shown",
        "not_reached",
        "not_computed",
    ];
    if !known.contains(&state) {
        return Some(format!("unknown state {state:?}"));
    }
    match (state, value) {
        ("answered", None) => Some("answered, but no value".into()),
        ("answered", Some(v)) => match &item.kind {
            ItemKind::Score { .. } => match v {
                kohort_form::AnswerValue::Decimal(x) if x.is_finite() => None,
                _ => Some("a score that is not a number".into()),
            },
            _ => kohort_form::validate(item, row, v.clone())
                .err()
                .map(|_| format!("the value {v:?} is not an answer this question accepts")),
        },
        (s, Some(_)) => Some(format!("{s}, but a value is given")),
        ("not_computed", None) if !matches!(item.kind, ItemKind::Score { .. }) => {
            Some("not_computed on a question that is not a score".into())
        }
        _ => None,
    }
}
