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

use kohort_batch::{PinnedContent, SessionRecord, digest};
use kohort_form::{Instrument, Item, ItemKind, Severity};

use crate::error::Result;

/// An instrument loaded once per batch, with its variables indexed: each
/// name to its item and whether it is a matrix row.
pub struct Loaded {
    inst: Instrument,
    index: HashMap<String, (usize, bool)>,
}

impl Loaded {
    fn new(inst: Instrument) -> Loaded {
        let mut index = HashMap::new();
        for (i, item) in inst.items.iter().enumerate() {
            if let ItemKind::Matrix { rows, .. } = &item.kind {
                for row in rows {
                    index.insert(row.id.clone(), (i, true));
                }
            }
            index.insert(item.id.clone(), (i, false));
        }
        Loaded { inst, index }
    }
}

/// The batch's instruments (and those met in the store), by hash.
pub type Instruments = HashMap<String, Loaded>;

/// Each pinned instrument of the batch, loaded, or why one cannot be
/// trusted.
pub fn instruments(
    conn: &Connection,
    pinned: &[PinnedContent],
) -> Result<Result<Instruments, String>> {
    let mut loaded = Instruments::new();
    let mut versions: HashMap<(&str, &str), &str> = HashMap::new();
    for p in pinned {
        if let Some(other) = versions.insert((&p.id, &p.version), &p.hash)
            && other != p.hash
        {
            return Ok(Err(format!(
                "instrument {} {} comes twice in the batch with different texts",
                p.id, p.version
            )));
        }
        match instrument(conn, p)? {
            Ok(inst) => {
                loaded.insert(p.hash.clone(), Loaded::new(inst));
            }
            Err(reason) => return Ok(Err(reason)),
        }
    }
    Ok(Ok(loaded))
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
pub fn session(
    conn: &Connection,
    r: &SessionRecord,
    loaded: &mut Instruments,
) -> Result<Option<String>> {
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
                Some(i) => loaded.insert(pin.hash.clone(), Loaded::new(i)),
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
        let inst = &loaded[&pin.hash].inst;
        if inst.id != pin.id || inst.version != pin.version {
            return Ok(Some(format!(
                "pins {} {} with the hash of {} {}",
                pin.id, pin.version, inst.id, inst.version
            )));
        }
    }
    for v in &r.variables {
        let found = r
            .instruments
            .iter()
            .filter(|pin| pin.id == v.instrument)
            .find_map(|pin| {
                let l = &loaded[&pin.hash];
                l.index
                    .get(&v.name)
                    .map(|&(i, row)| (&l.inst.items[i], row))
            });
        let Some((item, row)) = found else {
            return Ok(Some(format!(
                "variable {} is not a question of instrument {}",
                v.name, v.instrument
            )));
        };
        if let Some(reason) = fits(item, row, &v.state, v.value.as_ref()) {
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
    if !kohort_form::ItemState::NAMES.contains(&state) {
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
