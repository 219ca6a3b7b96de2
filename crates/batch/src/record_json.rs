//! A session record's JSON written by hand, byte for byte as serde_json
//! writes it (a test holds the two together). A large batch is 75 MB of
//! these, nearly all variables; writing their fixed keys as literals and
//! their short strings without serde's per-token calls takes about half
//! the time, which is what lets sealing keep up with the encryption.

use kohort_form::AnswerValue;

use crate::payload::{EpisodeFacts, ParticipantFacts, SessionRecord, Variable};

/// Appends `r` as serde_json would serialise it; `variables`, when given,
/// is its variables' JSON as [`write_variables`] wrote it earlier, written
/// in place of the record's own (then empty) list.
#[cfg(test)]
pub(crate) fn write(
    out: &mut Vec<u8>,
    r: &SessionRecord,
    variables: Option<&[u8]>,
) -> serde_json::Result<()> {
    head(out, r);
    match variables {
        Some(json) => out.extend_from_slice(json),
        None => write_variables(out, &r.variables)?,
    }
    tail(out, r);
    Ok(())
}

/// Appends what comes before a record's variables.
pub(crate) fn head(out: &mut Vec<u8>, r: &SessionRecord) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &r.id);
    out.extend_from_slice(b",\"form_id\":");
    string(out, &r.form_id);
    out.extend_from_slice(b",\"respondent\":");
    string(out, &r.respondent);
    out.extend_from_slice(b",\"started_at\":");
    string(out, &r.started_at);
    out.extend_from_slice(b",\"completed_at\":");
    optional(out, r.completed_at.as_deref());
    out.extend_from_slice(b",\"participant\":");
    participant(out, &r.participant);
    out.extend_from_slice(b",\"episode\":");
    episode(out, &r.episode);
    out.extend_from_slice(b",\"instruments\":[");
    for (i, p) in r.instruments.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        string(out, &p.id);
        out.extend_from_slice(b",\"version\":");
        string(out, &p.version);
        out.extend_from_slice(b",\"hash\":");
        string(out, &p.hash);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"variables\":");
}

/// Appends what comes after a record's variables.
pub(crate) fn tail(out: &mut Vec<u8>, r: &SessionRecord) {
    if let Some(n) = r.occurrence {
        out.extend_from_slice(b",\"occurrence\":");
        integer(out, n);
    }
    out.push(b'}');
}

fn participant(out: &mut Vec<u8>, p: &ParticipantFacts) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &p.id);
    out.extend_from_slice(b",\"study_code\":");
    string(out, &p.study_code);
    out.extend_from_slice(b",\"site\":");
    string(out, &p.site);
    out.extend_from_slice(b",\"consent\":");
    match &p.consent {
        None => out.extend_from_slice(b"null"),
        Some(c) => {
            out.extend_from_slice(b"{\"date\":");
            string(out, &c.date);
            out.extend_from_slice(b",\"version\":");
            string(out, &c.version);
            out.extend_from_slice(b",\"contact_interview\":");
            boolean(out, c.contact_interview);
            out.extend_from_slice(b",\"contact_relatives\":");
            boolean(out, c.contact_relatives);
            out.extend_from_slice(b",\"withdrawn_at\":");
            optional(out, c.withdrawn_at.as_deref());
            out.push(b'}');
        }
    }
    out.push(b'}');
}

fn episode(out: &mut Vec<u8>, e: &EpisodeFacts) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &e.id);
    out.extend_from_slice(b",\"anchor_date\":");
    string(out, &e.anchor_date);
    out.extend_from_slice(b",\"end_date\":");
    optional(out, e.end_date.as_deref());
    out.extend_from_slice(b",\"end_type\":");
    optional(out, e.end_type.as_deref());
    out.push(b'}');
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// Appends a record's variables (a JSON array) as serde_json would.
pub fn write_variables(out: &mut Vec<u8>, variables: &[Variable]) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, v) in variables.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        variable(out, v)?;
    }
    out.push(b']');
    Ok(())
}

fn variable(out: &mut Vec<u8>, v: &Variable) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"instrument\":");
    string(out, &v.instrument);
    out.extend_from_slice(b",\"name\":");
    string(out, &v.name);
    out.extend_from_slice(b",\"state\":");
    string(out, &v.state);
    out.extend_from_slice(b",\"value\":");
    match &v.value {
        None => out.extend_from_slice(b"null"),
        Some(AnswerValue::Code(c)) => {
            out.extend_from_slice(b"{\"code\":");
            integer(out, *c);
            out.push(b'}');
        }
        Some(AnswerValue::Int(n)) => {
            out.extend_from_slice(b"{\"int\":");
            integer(out, *n);
            out.push(b'}');
        }
        // Rarer values, left to serde.
        Some(other) => serde_json::to_writer(&mut *out, other)?,
    }
    out.extend_from_slice(b",\"answered_at\":");
    optional(out, v.answered_at.as_deref());
    out.push(b'}');
    Ok(())
}

fn optional(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn integer(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A JSON string. Names, codes and time stamps need no escapes and are
/// copied as they are; anything else goes through serde_json's escaping.
fn string(out: &mut Vec<u8>, s: &str) {
    // A fold, not `all`: no early exit, so the check runs on whole
    // vectors of bytes.
    let plain = !s.bytes().fold(false, |bad, b| {
        bad | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{ConsentFacts, Pinned};
    use chrono::NaiveDate;

    fn record(variables: Vec<Variable>, occurrence: Option<u32>) -> SessionRecord {
        SessionRecord {
            id: "0190f000-0000-7000-8000-000000000001".into(),
            form_id: "baseline".into(),
            respondent: "patient".into(),
            started_at: "2025-03-01T10:00:00.000Z".into(),
            completed_at: None,
            participant: ParticipantFacts {
                id: "p".into(),
                study_code: "OSL-\"1\"\n".into(),
                site: "Ø".into(),
                consent: None,
            },
            episode: EpisodeFacts {
                id: "e".into(),
                anchor_date: "2025-03-01".into(),
                end_date: Some("2025-04-01".into()),
                end_type: None,
            },
            instruments: vec![Pinned {
                id: "demo".into(),
                version: "1".into(),
                hash: "00".into(),
            }],
            variables,
            occurrence,
        }
    }

    fn var(name: &str, value: Option<AnswerValue>, at: Option<&str>) -> Variable {
        Variable {
            instrument: "demo".into(),
            name: name.into(),
            state: "answered".into(),
            value,
            answered_at: at.map(str::to_owned),
        }
    }

    #[test]
    fn writes_what_serde_writes() {
        let values = [
            None,
            Some(AnswerValue::Code(-3)),
            Some(AnswerValue::Code(i64::MIN)),
            Some(AnswerValue::Codes(vec![1, 2, 99])),
            Some(AnswerValue::Codes(vec![])),
            Some(AnswerValue::Int(i64::MAX)),
            Some(AnswerValue::Decimal(0.1)),
            Some(AnswerValue::Decimal(-2.0)),
            Some(AnswerValue::Text(
                "tab\there \"quoted\" \\ æøå \u{1} \u{7f} 😀".into(),
            )),
            Some(AnswerValue::Date(
                NaiveDate::from_ymd_opt(2025, 2, 28).unwrap(),
            )),
        ];
        let vars: Vec<Variable> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                var(
                    &format!("q{i}\u{0}"),
                    v.clone(),
                    (i % 2 == 0).then_some("t"),
                )
            })
            .collect();
        // Every fact filled in, with text that needs escapes.
        let mut full = record(vars.clone(), None);
        full.completed_at = Some("2025-03-01T11:00:00.000Z".into());
        full.participant.consent = Some(ConsentFacts {
            date: "2025-03-01".into(),
            version: "v\\2".into(),
            contact_interview: true,
            contact_relatives: false,
            withdrawn_at: Some("2025-06-01".into()),
        });
        full.episode.end_type = Some("død\t".into());
        full.instruments.push(Pinned {
            id: "b\"".into(),
            version: "2".into(),
            hash: "ff".into(),
        });
        for r in [
            record(vars.clone(), Some(3)),
            record(vars, None),
            record(vec![], None),
            full,
        ] {
            let mut ours = Vec::new();
            write(&mut ours, &r, None).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&r).unwrap()
            );
            // The variables written earlier, in place of the record's own.
            let mut json = Vec::new();
            write_variables(&mut json, &r.variables).unwrap();
            let bare = SessionRecord {
                variables: Vec::new(),
                ..r.clone()
            };
            let mut kept = Vec::new();
            write(&mut kept, &bare, Some(&json)).unwrap();
            assert_eq!(
                String::from_utf8(kept).unwrap(),
                serde_json::to_string(&r).unwrap()
            );
        }
    }
}
