//! Reading `study.json`: its fields, forms, offsets and windows, and the
//! instrument files it lists.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::check::{check_forms, check_variables, check_windows};
use super::{EventForm, Form, Offset, Recurring, SITE, Study, Timepoint, Trigger, Window};
use crate::{FormErrors, Instrument, Problem, Problems, Severity, load};

/// Loads and checks a study folder. Warnings are returned beside the study.
pub fn load_study(dir: &Path) -> Result<(Study, Vec<Problem>), FormErrors> {
    let (study, problems) = check_study(dir);
    match study {
        Some(s) if !problems.iter().any(|p| p.severity == Severity::Error) => Ok((s, problems)),
        _ => Err(FormErrors(problems)),
    }
}

/// Loads a study folder, collecting every problem of every file.
pub fn check_study(dir: &Path) -> (Option<Study>, Vec<Problem>) {
    let path = dir.join("study.json");
    let mut p = Problems::new(&path.display().to_string());
    let Some(value) = load::read_capped(&mut p, &path).and_then(|b| load::parse_json(&mut p, &b))
    else {
        return (None, p.list);
    };
    let mut all = Vec::new();
    let study = read_study(&mut p, &value, dir, &mut all);
    all.extend(p.list);
    all.sort_by_key(|p| std::cmp::Reverse(p.severity));
    (study, all)
}

const STUDY_FIELDS: &[&str] = &[
    "$schema",
    "id",
    "version",
    "title",
    "anchor",
    "instruments",
    "timepoints",
    "recurring",
    "events",
    "participant_code",
    "sites",
    "missed_reasons",
    "outcomes",
    "report",
];

fn read_study(p: &mut Problems, v: &Value, dir: &Path, all: &mut Vec<Problem>) -> Option<Study> {
    let obj = crate::object(p, v, "", STUDY_FIELDS)?;
    let id = crate::id(p, obj, "id", "");
    let version = crate::string(p, obj, "version", "", true);
    if version.as_deref().is_some_and(|v| !crate::is_semver(v)) {
        p.error("/version", "not a semantic version (MAJOR.MINOR.PATCH)");
    }
    let title = crate::read_text(p, obj, "title", "", true);
    let anchor = crate::read_text(p, obj, "anchor", "", true);
    let code_pattern = crate::string(p, obj, "participant_code", "", false);
    if code_pattern
        .as_deref()
        .is_some_and(|c| c.trim().is_empty() || c.len() > 64)
    {
        p.error("/participant_code", "a code pattern has 1 to 64 characters");
    }
    let sites = match obj.get("sites") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.as_str().map(str::trim) {
                Some(s) if !s.is_empty() => Some(s.to_owned()),
                _ => {
                    p.error(&format!("/sites/{i}"), "a site is a non-empty string");
                    None
                }
            })
            .collect(),
        Some(_) => {
            p.error("/sites", "expected a list of site names");
            Vec::new()
        }
    };
    if code_pattern.as_deref().is_some_and(|c| c.contains(SITE)) && sites.is_empty() {
        p.error(
            "/participant_code",
            format!("{SITE} in the code pattern needs the list of sites"),
        );
    }
    let missed_reasons =
        crate::read::choice_list(p, obj, "missed_reasons", "", false).unwrap_or_default();
    let (instruments, broken) = load_instruments(p, obj, dir, all);
    let mut forms = Vec::new();
    let timepoints = list(p, obj, "timepoints", true, |p, o, path| {
        let form = read_form(p, o, path, &["offset", "window"])?;
        let offset = offset(p, o, "offset", path)?;
        let window = window(p, o, path)?;
        Some(Timepoint {
            form,
            offset,
            window,
        })
    });
    let recurring = list(p, obj, "recurring", false, |p, o, path| {
        let form = read_form(p, o, path, &["first", "every", "window"])?;
        let first = offset(p, o, "first", path);
        let every = offset(p, o, "every", path);
        if matches!(every, Some(Offset::Days(0) | Offset::Months(0))) {
            p.error(
                &crate::join(path, "every"),
                "'every' must be more than zero",
            );
        }
        Some(Recurring {
            form,
            first: first?,
            every: every?,
            window: window(p, o, path)?,
        })
    });
    let events = list(p, obj, "events", false, |p, o, path| {
        let form = read_form(p, o, path, &["trigger", "repeatable"])?;
        let trigger = match crate::string(p, o, "trigger", path, true)?.as_str() {
            "end_of_treatment" => Trigger::EndOfTreatment,
            "manual" => Trigger::Manual,
            other => {
                p.error(
                    &crate::join(path, "trigger"),
                    format!("unknown trigger '{other}' (use 'end_of_treatment' or 'manual')"),
                );
                return None;
            }
        };
        let repeatable = crate::boolean(p, o, "repeatable", path).unwrap_or(false);
        Some(EventForm {
            form,
            trigger,
            repeatable,
        })
    });
    forms.extend(
        timepoints
            .iter()
            .map(|(path, t)| (path.clone(), t.form.clone())),
    );
    forms.extend(
        recurring
            .iter()
            .map(|(path, r)| (path.clone(), r.form.clone())),
    );
    forms.extend(
        events
            .iter()
            .map(|(path, e)| (path.clone(), e.form.clone())),
    );
    check_forms(p, &forms, &instruments, &broken);
    check_windows(p, &timepoints);
    check_variables(all, dir, &instruments);
    let (outcomes, figures) = super::outcomes::read(p, obj, &instruments, &forms);
    if p.has_errors() || all.iter().any(|x| x.severity == Severity::Error) {
        return None;
    }
    let canonical = load::canonical(v);
    Some(Study {
        id: id?,
        version: version?,
        title: title?,
        anchor: anchor?,
        instruments: instruments.into_iter().map(|(_, i)| Arc::new(i)).collect(),
        timepoints: timepoints.into_iter().map(|(_, t)| t).collect(),
        recurring: recurring.into_iter().map(|(_, r)| r).collect(),
        events: events.into_iter().map(|(_, e)| e).collect(),
        code_pattern,
        sites,
        missed_reasons,
        outcomes,
        figures,
        hash: load::sha256_hex(canonical.as_bytes()),
    })
}

/// Reads a list of objects under `key`, keeping each entry's JSON path.
fn list<T>(
    p: &mut Problems,
    obj: &crate::Obj,
    key: &str,
    required: bool,
    mut each: impl FnMut(&mut Problems, &crate::Obj, &str) -> Option<T>,
) -> Vec<(String, T)> {
    let Some(items) = crate::array(p, obj, key, "", required) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let path = format!("/{key}/{i}");
        if let Value::Object(o) = v {
            if let Some(t) = each(p, o, &path) {
                out.push((path, t));
            }
        } else {
            p.error(&path, "expected an object");
        }
    }
    out
}

fn read_form(p: &mut Problems, o: &crate::Obj, path: &str, extra: &[&str]) -> Option<Form> {
    let mut allowed = vec!["id", "title", "respondent", "instruments", "params"];
    allowed.extend_from_slice(extra);
    crate::only_keys(p, o, path, &allowed);
    let id = crate::id(p, o, "id", path);
    let title = crate::read_text(p, o, "title", path, true);
    let respondent = crate::respondent(p, o, path);
    let params = crate::params(p, o, path).unwrap_or_default();
    let mut instruments = Vec::new();
    if let Some(list) = crate::array(p, o, "instruments", path, true) {
        if list.is_empty() {
            p.error(
                &crate::join(path, "instruments"),
                "a form needs at least one instrument",
            );
        }
        for (i, v) in list.iter().enumerate() {
            match v.as_str() {
                Some(s) => instruments.push(s.to_owned()),
                None => p.error(
                    &format!("{path}/instruments/{i}"),
                    "expected an instrument id",
                ),
            }
        }
    }
    Some(Form {
        id: id?,
        title: title?,
        respondent: respondent?,
        instruments,
        params,
    })
}

fn offset(p: &mut Problems, o: &crate::Obj, key: &str, path: &str) -> Option<Offset> {
    let path = crate::join(path, key);
    let Some(v) = o.get(key) else {
        p.error(&path, format!("missing field '{key}'"));
        return None;
    };
    let map = crate::object(p, v, &path, &["days", "months"])?;
    let get = |p: &mut Problems, k| {
        let n = crate::integer(p, map, k, &path)?;
        match u32::try_from(n) {
            Ok(n) if n <= 1200 => Some(n),
            _ => {
                p.error(&crate::join(&path, k), format!("{n} is outside 0–1200"));
                None
            }
        }
    };
    match (map.contains_key("days"), map.contains_key("months")) {
        (true, false) => get(p, "days").map(Offset::Days),
        (false, true) => get(p, "months").map(Offset::Months),
        _ => {
            p.error(&path, "give exactly one of 'days' or 'months'");
            None
        }
    }
}

fn window(p: &mut Problems, o: &crate::Obj, path: &str) -> Option<Window> {
    let path = crate::join(path, "window");
    let Some(v) = o.get("window") else {
        p.error(&path, "missing field 'window'");
        return None;
    };
    let map = crate::object(p, v, &path, &["before_days", "after_days"])?;
    let mut get = |k| match crate::integer(p, map, k, &path) {
        Some(n) if (0..=3650).contains(&n) => Some(n as u32),
        Some(n) => {
            p.error(
                &crate::join(&path, k),
                format!("{n} is outside 0–3650 days (a window cannot be inverted)"),
            );
            None
        }
        None => {
            if !map.contains_key(k) {
                p.error(&path, format!("missing field '{k}'"));
            }
            None
        }
    };
    let (before, after) = (get("before_days"), get("after_days"));
    Some(Window {
        before_days: before?,
        after_days: after?,
    })
}

/// Loads the instrument files of the study. Returns them beside the ids of
/// instruments whose file declares an id but has errors.
fn load_instruments(
    p: &mut Problems,
    obj: &crate::Obj,
    dir: &Path,
    all: &mut Vec<Problem>,
) -> (Vec<(String, Instrument)>, Vec<String>) {
    let mut out: Vec<(String, Instrument)> = Vec::new();
    let mut broken = Vec::new();
    let Some(files) = crate::array(p, obj, "instruments", "", true) else {
        return (out, broken);
    };
    for (i, v) in files.iter().enumerate() {
        let path = format!("/instruments/{i}");
        let Some(name) = v.as_str() else {
            p.error(&path, "expected a file name");
            continue;
        };
        if name.contains("..") || Path::new(name).is_absolute() {
            p.error(
                &path,
                format!("'{name}' must be a file inside the study folder"),
            );
            continue;
        }
        let file = dir.join(name);
        if !file.exists() {
            p.error(&path, format!("cannot find '{name}' in the study folder"));
            continue;
        }
        let mut fp = Problems::new(&file.display().to_string());
        let value = load::read_capped(&mut fp, &file).and_then(|b| load::parse_json(&mut fp, &b));
        let inst = value
            .as_ref()
            .and_then(|v| load::instrument_from_value(&mut fp, v));
        all.extend(fp.list);
        let Some(inst) = inst else {
            broken.extend(
                value
                    .as_ref()
                    .and_then(|v| v.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            );
            continue;
        };
        if let Some((other, _)) = out.iter().find(|(_, o)| o.id == inst.id) {
            p.error(
                &path,
                format!("instrument id '{}' is also used by {other}", inst.id),
            );
        }
        out.push((name.to_owned(), inst));
    }
    (out, broken)
}
