//! Builds an [`Instrument`] from its parsed JSON, recording every problem.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::expr::Expr;
use crate::json::{self, Obj, join};
use crate::model::{
    Choice, Instrument, Item, ItemKind, LicensedSlot, Picture, Respondent, Row, TYPE_NAMES,
};
use crate::problem::Problems;
use crate::text::Text;

const TOP_FIELDS: &[&str] = &[
    "$schema",
    "id",
    "version",
    "title",
    "respondent",
    "params",
    "licensed_slot",
    "items",
];
const ITEM_FIELDS: &[&str] = &[
    "id",
    "type",
    "text",
    "help",
    "options",
    "rows",
    "min",
    "max",
    "unit",
    "min_label",
    "max_label",
    "max_length",
    "show_if",
    "expr",
    "image",
];

/// An instrument as read, with what the checker needs to name places.
pub struct Read {
    pub instrument: Instrument,
    /// Ids of items (and names of params) that could not be read.
    pub broken: Vec<String>,
    /// For each item read, its index in the file's `items` list.
    pub json_index: Vec<usize>,
}

/// Reads an instrument as far as it can, so that the checker can still look
/// at the rest: missing top-level fields get placeholders, and items that
/// could not be read are left out and their ids returned (references to them
/// are not reported twice). The caller refuses the instrument if `p` holds
/// errors. Hash and canonical text are filled in by the loader.
pub fn instrument(p: &mut Problems, v: &Value) -> Option<Read> {
    let obj = json::object(p, v, "", TOP_FIELDS)?;
    let id = json::id(p, obj, "id", "");
    let version = json::string(p, obj, "version", "", true);
    if let Some(v) = &version
        && !is_semver(v)
    {
        p.error(
            "/version",
            format!("'{v}' is not a semantic version (MAJOR.MINOR.PATCH)"),
        );
    }
    let title = json::text(p, obj, "title", "", true);
    let respondent = respondent(p, obj, "");
    let params = params(p, obj, "");
    let licensed_slot = obj.get("licensed_slot").and_then(|v| {
        let o = json::object(p, v, "/licensed_slot", &["instrument", "note"])?;
        Some(LicensedSlot {
            instrument: json::string(p, o, "instrument", "/licensed_slot", true)?,
            note: json::string(p, o, "note", "/licensed_slot", false).unwrap_or_default(),
        })
    });
    let mut items = Vec::new();
    // Params that are not numbers are reported above, not again where used.
    let mut broken: Vec<String> = match obj.get("params") {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_number())
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    };
    let mut json_index = Vec::new();
    if let Some(list) = json::array(p, obj, "items", "", true) {
        if list.is_empty() {
            p.error("/items", "an instrument needs at least one item");
        }
        for (i, v) in list.iter().enumerate() {
            match item(p, v, &format!("/items/{i}")) {
                Some(item) => {
                    items.push(item);
                    json_index.push(i);
                }
                None => broken.extend(v.get("id").and_then(Value::as_str).map(str::to_owned)),
            }
            p.item = None;
        }
    }
    let inst = Instrument {
        id: id.unwrap_or_default(),
        version: version.unwrap_or_default(),
        title: title.unwrap_or_else(|| Text::new("", "")),
        respondent: respondent.unwrap_or(Respondent::Patient),
        params: params.unwrap_or_default(),
        licensed_slot,
        items,
        hash: String::new(),
        canonical: String::new(),
    };
    Some(Read {
        instrument: inst,
        broken,
        json_index,
    })
}

pub fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

pub fn respondent(p: &mut Problems, obj: &Obj, path: &str) -> Option<Respondent> {
    match json::string(p, obj, "respondent", path, true)?.as_str() {
        "patient" => Some(Respondent::Patient),
        "clinician" => Some(Respondent::Clinician),
        other => {
            p.error(
                &join(path, "respondent"),
                format!("unknown respondent '{other}' (use 'patient' or 'clinician')"),
            );
            None
        }
    }
}

pub fn params(p: &mut Problems, obj: &Obj, path: &str) -> Option<BTreeMap<String, f64>> {
    let v = obj.get("params")?;
    let path = join(path, "params");
    let Value::Object(map) = v else {
        p.error(
            &path,
            format!("expected an object of numbers, found {}", json::describe(v)),
        );
        return None;
    };
    let mut out = BTreeMap::new();
    for (name, value) in map {
        if !json::valid_id(name) {
            p.error(
                &join(&path, name),
                format!("'{name}' is not a valid param name"),
            );
        }
        match value.as_f64() {
            Some(n) => {
                out.insert(name.clone(), n);
            }
            None => p.error(&join(&path, name), "a param must be a number"),
        }
    }
    Some(out)
}

/// Which optional fields each type takes (beyond id, type, text, help, show_if).
fn fields_for(ty: &str) -> &'static [&'static str] {
    match ty {
        "single_choice" | "multi_choice" | "scale" => &["options"],
        "matrix" => &["options", "rows"],
        "integer" | "decimal" => &["min", "max", "unit"],
        "days" => &["max"],
        "slider" => &["min", "max", "min_label", "max_label"],
        "year" => &["min", "max"],
        "text" | "long_text" => &["max_length"],
        "score" => &["expr", "options", "unit"],
        _ => &[],
    }
}

fn item(p: &mut Problems, v: &Value, path: &str) -> Option<Item> {
    let obj = json::object(p, v, path, ITEM_FIELDS)?;
    let id = json::id(p, obj, "id", path);
    p.item = id.clone();
    let ty = json::string(p, obj, "type", path, true)?;
    if !TYPE_NAMES.contains(&ty.as_str()) {
        p.error(
            &join(path, "type"),
            format!(
                "unknown item type '{ty}' (known: {})",
                TYPE_NAMES.join(", ")
            ),
        );
        return None;
    }
    let extra = fields_for(&ty);
    for key in obj.keys() {
        let common = ["id", "type", "text", "help", "show_if", "image"].contains(&key.as_str());
        if !common && !extra.contains(&key.as_str()) && ITEM_FIELDS.contains(&key.as_str()) {
            p.error(
                &join(path, key),
                format!("field '{key}' does not apply to type '{ty}'"),
            );
        }
    }
    let text = json::text(p, obj, "text", path, ty != "score");
    let help = json::text(p, obj, "help", path, false);
    let show_if = expression(p, obj, "show_if", path);
    let image = picture(p, obj, path);
    let kind = kind(p, obj, &ty, path)?;
    Some(Item {
        id: id?,
        kind,
        text,
        help,
        show_if,
        image,
    })
}

/// An `"image": { "file": "media/….png", "alt": { "nb": …, "en": … } }`:
/// a PNG or SVG under the study's `media/` folder (that it exists is
/// checked with the study folder, by `kohort forms check`), with alt text
/// in bokmål and English (nynorsk falls back to bokmål, as every text).
fn picture(p: &mut Problems, obj: &Obj, path: &str) -> Option<Picture> {
    let v = obj.get("image")?;
    let path = join(path, "image");
    let o = json::object(p, v, &path, &["file", "alt"])?;
    let file = json::string(p, o, "file", &path, true);
    let alt = json::text(p, o, "alt", &path, true);
    if let Some(f) = &file {
        let inside = f.starts_with("media/") && !f.split('/').any(|s| s == ".." || s.is_empty());
        let kind = f.ends_with(".png") || f.ends_with(".svg");
        if !inside || !kind || f.contains('\\') {
            p.error(
                &join(&path, "file"),
                format!("'{f}' is not a PNG or SVG file under media/ (e.g. media/home.png)"),
            );
        }
    }
    if let Some(a) = &alt
        && a.en.is_none()
    {
        p.error(
            &join(&path, "alt"),
            "a picture's alt text needs every language ('en' is missing)",
        );
    }
    Some(Picture {
        file: file?,
        alt: alt?,
    })
}

fn expression(p: &mut Problems, obj: &Obj, key: &str, path: &str) -> Option<Expr> {
    let source = json::string(p, obj, key, path, false)?;
    match Expr::parse(&source) {
        Ok(e) => Some(e),
        Err(e) => {
            p.error(&join(path, key), format!("in '{source}' {e}"));
            None
        }
    }
}

fn kind(p: &mut Problems, obj: &Obj, ty: &str, path: &str) -> Option<ItemKind> {
    Some(match ty {
        "section" => ItemKind::Section,
        "note" => ItemKind::Note,
        "yes_no" => ItemKind::YesNo,
        "date" => ItemKind::Date,
        "single_choice" => ItemKind::SingleChoice {
            options: options(p, obj, path, true)?,
        },
        "multi_choice" => ItemKind::MultiChoice {
            options: options(p, obj, path, true)?,
        },
        "scale" => ItemKind::Scale {
            options: options(p, obj, path, true)?,
        },
        "integer" | "decimal" => {
            let (min, max) = range(p, obj, path, ty == "integer")?;
            let unit_text = json::text(p, obj, "unit", path, false);
            if ty == "integer" {
                ItemKind::Integer {
                    min,
                    max,
                    unit: unit_text,
                }
            } else {
                ItemKind::Decimal {
                    min,
                    max,
                    unit: unit_text,
                }
            }
        }
        "days" => {
            let Some(max) = json::integer(p, obj, "max", path) else {
                if !obj.contains_key("max") {
                    p.error(
                        path,
                        "a 'days' item needs 'max' (the number of days in the recall period)",
                    );
                }
                return None;
            };
            if max < 1 {
                p.error(
                    &join(path, "max"),
                    "'max' of a 'days' item must be at least 1",
                );
            }
            ItemKind::Days { max }
        }
        "slider" => {
            let min = json::integer(p, obj, "min", path).unwrap_or(0);
            let max = json::integer(p, obj, "max", path).unwrap_or(100);
            if min >= max {
                p.error(path, format!("min ({min}) must be below max ({max})"));
            }
            ItemKind::Slider {
                min,
                max,
                min_label: json::text(p, obj, "min_label", path, false),
                max_label: json::text(p, obj, "max_label", path, false),
            }
        }
        "year" => {
            let (min, max) = range(p, obj, path, true)?;
            ItemKind::Year {
                min: min.map(|m| m as i64),
                max: max.map(|m| m as i64),
            }
        }
        "text" | "long_text" => {
            let default = if ty == "text" { 200 } else { 2000 };
            let max_length = match json::integer(p, obj, "max_length", path) {
                Some(n) if (1..=100_000).contains(&n) => n as usize,
                Some(n) => {
                    p.error(
                        &join(path, "max_length"),
                        format!("max_length {n} is outside 1–100000"),
                    );
                    default
                }
                None => default,
            };
            if ty == "text" {
                ItemKind::Text { max_length }
            } else {
                ItemKind::LongText { max_length }
            }
        }
        "matrix" => ItemKind::Matrix {
            options: options(p, obj, path, true)?,
            rows: rows(p, obj, path)?,
        },
        "score" => {
            let Some(expr) = expression(p, obj, "expr", path) else {
                if !obj.contains_key("expr") {
                    p.error(path, "a score needs 'expr'");
                }
                return None;
            };
            ItemKind::Score {
                expr,
                options: options(p, obj, path, false).unwrap_or_default(),
                unit: json::text(p, obj, "unit", path, false),
            }
        }
        _ => return None,
    })
}

type Range = (Option<f64>, Option<f64>);

fn range(p: &mut Problems, obj: &Obj, path: &str, whole: bool) -> Option<Range> {
    let get = |p: &mut Problems, key| {
        if whole {
            json::integer(p, obj, key, path).map(|n| n as f64)
        } else {
            json::number(p, obj, key, path)
        }
    };
    let (min, max) = (get(p, "min"), get(p, "max"));
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        p.error(path, format!("min ({lo}) is greater than max ({hi})"));
        return None;
    }
    Some((min, max))
}

fn options(p: &mut Problems, obj: &Obj, path: &str, required: bool) -> Option<Vec<Choice>> {
    choice_list(p, obj, "options", path, required)
}

/// A list of coded choices under `key`: unique integer codes, a text each.
pub(crate) fn choice_list(
    p: &mut Problems,
    obj: &Obj,
    key: &str,
    path: &str,
    required: bool,
) -> Option<Vec<Choice>> {
    let list = json::array(p, obj, key, path, required)?;
    let base = join(path, key);
    if list.is_empty() && required {
        p.error(&base, "at least one option is needed");
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let path = format!("{base}/{i}");
        let Some(o) = json::object(p, v, &path, &["code", "text", "exclusive", "image"]) else {
            continue;
        };
        let code = json::integer(p, o, "code", &path);
        if code.is_none() && !o.contains_key("code") {
            p.error(&path, "missing field 'code'");
        }
        let text = json::text(p, o, "text", &path, true);
        let exclusive = json::boolean(p, o, "exclusive", &path).unwrap_or(false);
        let image = picture(p, o, &path);
        if let Some(c) = code
            && !seen.insert(c)
        {
            p.error(&join(&path, "code"), format!("duplicate option code {c}"));
        }
        if let (Some(code), Some(text)) = (code, text) {
            out.push(Choice {
                code,
                text,
                exclusive,
                image,
            });
        }
    }
    Some(out)
}

fn rows(p: &mut Problems, obj: &Obj, path: &str) -> Option<Vec<Row>> {
    let list = json::array(p, obj, "rows", path, true)?;
    let base = join(path, "rows");
    if list.is_empty() {
        p.error(&base, "a matrix needs at least one row");
    }
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let path = format!("{base}/{i}");
        let Some(o) = json::object(p, v, &path, &["id", "text"]) else {
            continue;
        };
        let id = json::id(p, o, "id", &path);
        let text = json::text(p, o, "text", &path, true);
        if let (Some(id), Some(text)) = (id, text) {
            out.push(Row { id, text });
        }
    }
    Some(out)
}
