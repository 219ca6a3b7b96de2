//! The study file: timepoints with windows, recurring clinician forms and
//! event-driven forms, each an ordered list of instruments. Nothing about a
//! particular study lives in code; it all comes from `study.json`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{Days, Months, NaiveDate};
use serde_json::Value;

use crate::form::{
    self, FormErrors, Instrument, Problem, Problems, Respondent, Severity, Text, load,
};

/// A whole study, loaded and checked.
#[derive(Clone, Debug)]
pub struct Study {
    pub id: String,
    pub version: String,
    pub title: Text,
    /// What the anchor date is, e.g. the first day of medication.
    pub anchor: Text,
    pub instruments: Vec<Arc<Instrument>>,
    pub timepoints: Vec<Timepoint>,
    pub recurring: Vec<Recurring>,
    pub events: Vec<EventForm>,
    /// The shape of a study code (`#` a digit, `A` a capital letter, any
    /// other character itself), when the study fixes one.
    pub code_pattern: Option<String>,
    /// The sites taking part, when the study lists them.
    pub sites: Vec<String>,
    /// SHA-256 over the canonical study file.
    pub hash: String,
}

/// What every kind of form shares: who answers which instruments in which order.
#[derive(Clone, Debug)]
pub struct Form {
    pub id: String,
    pub title: Text,
    pub respondent: Respondent,
    pub instruments: Vec<String>,
    /// Overrides of the instruments' params for this form.
    pub params: BTreeMap<String, f64>,
}

/// A distance from the anchor date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offset {
    Days(u32),
    /// Calendar months; a day past the end of the target month clamps to its
    /// last day (31 January + 1 month = 28 or 29 February).
    Months(u32),
}

impl Offset {
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Offset::Days(d) => date.checked_add_days(Days::new(d.into())),
            Offset::Months(m) => date.checked_add_months(Months::new(m)),
        }
    }

    /// `n` times this offset after `date`, counted from `date` each time so
    /// month ends do not drift (31 Jan + 2 months = 31 Mar, not 28 Mar).
    pub fn times_after(self, n: u32, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Offset::Days(d) => Offset::Days(d.checked_mul(n)?).after(date),
            Offset::Months(m) => Offset::Months(m.checked_mul(n)?).after(date),
        }
    }
}

/// How many days before and after the target date a form is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub before_days: u32,
    pub after_days: u32,
}

impl Window {
    /// First and last day of the window around `target`.
    pub fn around(self, target: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        Some((
            target.checked_sub_days(Days::new(self.before_days.into()))?,
            target.checked_add_days(Days::new(self.after_days.into()))?,
        ))
    }
}

#[derive(Clone, Debug)]
pub struct Timepoint {
    pub form: Form,
    pub offset: Offset,
    pub window: Window,
}

/// A clinician form due at `first`, then every `every` after it.
#[derive(Clone, Debug)]
pub struct Recurring {
    pub form: Form,
    pub first: Offset,
    pub every: Offset,
    pub window: Window,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Due when a treatment episode ends.
    EndOfTreatment,
    /// Started by staff when something happens.
    Manual,
}

#[derive(Clone, Debug)]
pub struct EventForm {
    pub form: Form,
    pub trigger: Trigger,
    pub repeatable: bool,
}

/// The ordered instruments of one form, ready for the runner.
#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub form_id: String,
    pub title: Text,
    pub respondent: Respondent,
    pub instruments: Vec<Arc<Instrument>>,
    pub params: BTreeMap<String, f64>,
}

impl Study {
    /// Whether `code` has the study's code shape; `Err` says what is wrong.
    pub fn check_code(&self, code: &str) -> Result<(), String> {
        if code.trim().is_empty() {
            return Err("the study code is empty".into());
        }
        let Some(pattern) = &self.code_pattern else {
            return Ok(());
        };
        let fits = code.chars().count() == pattern.chars().count()
            && code.chars().zip(pattern.chars()).all(|(c, p)| match p {
                '#' => c.is_ascii_digit(),
                'A' => c.is_ascii_uppercase(),
                p => c == p,
            });
        if fits {
            Ok(())
        } else {
            Err(format!(
                "the study code must look like {pattern} (# a digit, A a capital letter)"
            ))
        }
    }

    pub fn instrument(&self, id: &str) -> Option<&Arc<Instrument>> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// Every form of the study: timepoints, recurring forms, events.
    pub fn forms(&self) -> impl Iterator<Item = &Form> {
        self.timepoints
            .iter()
            .map(|t| &t.form)
            .chain(self.recurring.iter().map(|r| &r.form))
            .chain(self.events.iter().map(|e| &e.form))
    }

    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms().find(|f| f.id == id)
    }

    pub fn questionnaire(&self, form_id: &str) -> Option<Questionnaire> {
        let form = self.form(form_id)?;
        let instruments = form
            .instruments
            .iter()
            .map(|id| self.instrument(id).cloned())
            .collect::<Option<Vec<_>>>()?;
        Some(Questionnaire {
            form_id: form.id.clone(),
            title: form.title.clone(),
            respondent: form.respondent,
            instruments,
            params: form.params.clone(),
        })
    }

    /// The forms (by id) in which each instrument is used.
    pub fn forms_using(&self, instrument: &str) -> Vec<&str> {
        self.forms()
            .filter(|f| f.instruments.iter().any(|i| i == instrument))
            .map(|f| f.id.as_str())
            .collect()
    }
}

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
];

fn read_study(p: &mut Problems, v: &Value, dir: &Path, all: &mut Vec<Problem>) -> Option<Study> {
    let obj = form::object(p, v, "", STUDY_FIELDS)?;
    let id = form::id(p, obj, "id", "");
    let version = form::string(p, obj, "version", "", true);
    if version.as_deref().is_some_and(|v| !form::is_semver(v)) {
        p.error("/version", "not a semantic version (MAJOR.MINOR.PATCH)");
    }
    let title = form::read_text(p, obj, "title", "", true);
    let anchor = form::read_text(p, obj, "anchor", "", true);
    let code_pattern = form::string(p, obj, "participant_code", "", false);
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
            p.error(&form::join(path, "every"), "'every' must be more than zero");
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
        let trigger = match form::string(p, o, "trigger", path, true)?.as_str() {
            "end_of_treatment" => Trigger::EndOfTreatment,
            "manual" => Trigger::Manual,
            other => {
                p.error(
                    &form::join(path, "trigger"),
                    format!("unknown trigger '{other}' (use 'end_of_treatment' or 'manual')"),
                );
                return None;
            }
        };
        let repeatable = form::boolean(p, o, "repeatable", path).unwrap_or(false);
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
        hash: load::sha256_hex(canonical.as_bytes()),
    })
}

/// Reads a list of objects under `key`, keeping each entry's JSON path.
fn list<T>(
    p: &mut Problems,
    obj: &form::Obj,
    key: &str,
    required: bool,
    mut each: impl FnMut(&mut Problems, &form::Obj, &str) -> Option<T>,
) -> Vec<(String, T)> {
    let Some(items) = form::array(p, obj, key, "", required) else {
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

fn read_form(p: &mut Problems, o: &form::Obj, path: &str, extra: &[&str]) -> Option<Form> {
    let mut allowed = vec!["id", "title", "respondent", "instruments", "params"];
    allowed.extend_from_slice(extra);
    form::only_keys(p, o, path, &allowed);
    let id = form::id(p, o, "id", path);
    let title = form::read_text(p, o, "title", path, true);
    let respondent = form::respondent(p, o, path);
    let params = form::params(p, o, path).unwrap_or_default();
    let mut instruments = Vec::new();
    if let Some(list) = form::array(p, o, "instruments", path, true) {
        if list.is_empty() {
            p.error(
                &form::join(path, "instruments"),
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

fn offset(p: &mut Problems, o: &form::Obj, key: &str, path: &str) -> Option<Offset> {
    let path = form::join(path, key);
    let Some(v) = o.get(key) else {
        p.error(&path, format!("missing field '{key}'"));
        return None;
    };
    let map = form::object(p, v, &path, &["days", "months"])?;
    let get = |p: &mut Problems, k| {
        let n = form::integer(p, map, k, &path)?;
        match u32::try_from(n) {
            Ok(n) if n <= 1200 => Some(n),
            _ => {
                p.error(&form::join(&path, k), format!("{n} is outside 0–1200"));
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

fn window(p: &mut Problems, o: &form::Obj, path: &str) -> Option<Window> {
    let path = form::join(path, "window");
    let Some(v) = o.get("window") else {
        p.error(&path, "missing field 'window'");
        return None;
    };
    let map = form::object(p, v, &path, &["before_days", "after_days"])?;
    let mut get = |k| match form::integer(p, map, k, &path) {
        Some(n) if (0..=3650).contains(&n) => Some(n as u32),
        Some(n) => {
            p.error(
                &form::join(&path, k),
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
    obj: &form::Obj,
    dir: &Path,
    all: &mut Vec<Problem>,
) -> (Vec<(String, Instrument)>, Vec<String>) {
    let mut out: Vec<(String, Instrument)> = Vec::new();
    let mut broken = Vec::new();
    let Some(files) = form::array(p, obj, "instruments", "", true) else {
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

/// `broken`: instruments whose file has errors, reported there and not again
/// as unknown where a form lists them.
fn check_forms(
    p: &mut Problems,
    forms: &[(String, Form)],
    instruments: &[(String, Instrument)],
    broken: &[String],
) {
    let by_id: HashMap<&str, &Instrument> = instruments
        .iter()
        .map(|(_, i)| (i.id.as_str(), i))
        .collect();
    let mut ids = HashSet::new();
    for (path, form) in forms {
        if !ids.insert(form.id.as_str()) {
            p.error(
                &form::join(path, "id"),
                format!("duplicate form id '{}'", form.id),
            );
        }
        let mut seen = HashSet::new();
        for (i, inst_id) in form.instruments.iter().enumerate() {
            let at = format!("{path}/instruments/{i}");
            if !seen.insert(inst_id) {
                p.error(&at, format!("instrument '{inst_id}' is listed twice"));
            }
            match by_id.get(inst_id.as_str()) {
                None if broken.contains(inst_id) => {}
                None => p.error(&at, format!("unknown instrument '{inst_id}'")),
                Some(inst) if inst.respondent != form.respondent => p.error(
                    &at,
                    format!(
                        "instrument '{inst_id}' is for a {} but this form is for a {}",
                        inst.respondent.as_str(),
                        form.respondent.as_str()
                    ),
                ),
                Some(_) => {}
            }
        }
        for name in form.params.keys() {
            let declared = form
                .instruments
                .iter()
                .filter_map(|i| by_id.get(i.as_str()))
                .any(|inst| inst.params.contains_key(name));
            if !declared {
                p.error(
                    &form::join(&form::join(path, "params"), name),
                    format!("no instrument of this form declares a param '{name}'"),
                );
            }
        }
    }
}

/// Targets must increase and windows must not overlap, for every possible
/// anchor date: months differ in length, so the check walks four years of
/// anchors (one leap cycle).
fn check_windows(p: &mut Problems, timepoints: &[(String, Timepoint)]) {
    let Some(start) = NaiveDate::from_ymd_opt(2024, 1, 1) else {
        return;
    };
    for respondent in [Respondent::Patient, Respondent::Clinician] {
        let tps: Vec<&(String, Timepoint)> = timepoints
            .iter()
            .filter(|(_, t)| t.form.respondent == respondent)
            .collect();
        for pair in tps.windows(2) {
            let ((_, a), (path, b)) = (pair[0], pair[1]);
            for day in 0..1461 {
                let Some(anchor) = start.checked_add_days(Days::new(day)) else {
                    break;
                };
                let (Some(ta), Some(tb)) = (a.offset.after(anchor), b.offset.after(anchor)) else {
                    break;
                };
                if tb <= ta {
                    p.error(
                        &form::join(path, "offset"),
                        format!(
                            "'{}' is not after '{}': timepoints must be in order",
                            b.form.id, a.form.id
                        ),
                    );
                    break;
                }
                let (Some((_, a_end)), Some((b_start, _))) =
                    (a.window.around(ta), b.window.around(tb))
                else {
                    break;
                };
                if b_start <= a_end {
                    p.error(
                        &form::join(path, "window"),
                        format!(
                            "the window of '{}' overlaps the window of '{}' (e.g. for anchor {anchor}: \
                             {} opens {b_start}, {} closes {a_end})",
                            b.form.id, a.form.id, b.form.id, a.form.id
                        ),
                    );
                    break;
                }
            }
        }
    }
}

/// Variable names are unique across the whole study: they are the columns of
/// the research dataset.
fn check_variables(all: &mut Vec<Problem>, dir: &Path, instruments: &[(String, Instrument)]) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (file, inst) in instruments {
        let mut p = Problems::new(&dir.join(file).display().to_string());
        for (index, item) in inst.items.iter().enumerate() {
            let path = format!("/items/{index}");
            let rows = match &item.kind {
                form::ItemKind::Matrix { rows, .. } => rows.as_slice(),
                _ => &[],
            };
            let ids = std::iter::once((item.id.as_str(), format!("{path}/id"))).chain(
                rows.iter()
                    .enumerate()
                    .map(|(r, row)| (row.id.as_str(), format!("{path}/rows/{r}/id"))),
            );
            for (id, at) in ids {
                match first.get(id) {
                    Some(other) if *other != inst.id.as_str() => {
                        p.item = Some(id.to_owned());
                        p.error(
                            &at,
                            format!("variable '{id}' is also used in instrument '{other}'; names must be unique across the study"),
                        );
                    }
                    _ => {
                        first.insert(id, &inst.id);
                    }
                }
            }
        }
        all.extend(p.list);
    }
}
