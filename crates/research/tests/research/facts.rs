//! Facts of their own (batch format 2): a withdrawal, an end of treatment
//! and a missed timepoint recorded after a participant's last exported
//! session reach the research store in the next batch, although no session
//! is new; and each session carries its scheduled occurrence.

use std::fs;
use std::path::{Path, PathBuf};

use kohort_form::schedule::EndType;
use kohort_research::{FileOutcome, db, devices};
use kohort_tablet::store::{SessionFilter, SessionStatus, Store, demo};
use kohort_tablet::sync::{self, Exported};

fn export(store: &mut Store, out: &Path) -> Option<PathBuf> {
    match sync::export(store, out).unwrap() {
        Exported::Batch { path, .. } => Some(path),
        Exported::Nothing => None,
    }
}

fn import_one(file: &Path, dir: &Path, store: &Path) {
    let in_dir = dir.join("in");
    let _ = fs::remove_dir_all(&in_dir);
    fs::create_dir_all(&in_dir).unwrap();
    fs::copy(file, in_dir.join(file.file_name().unwrap())).unwrap();
    let report =
        kohort_research::import_dir(&kohort_testkit::research_keys(), &in_dir, store).unwrap();
    assert!(
        matches!(report.files[0].1, FileOutcome::Imported { .. }),
        "{report:?}"
    );
}

#[test]
fn a_withdrawal_an_end_and_a_missed_timepoint_after_the_last_session_reach_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = kohort_testkit::tablet(&dir.path().join("t.db"));
    demo::fill(&mut tablet, &kohort_testkit::study(), 2, 5).unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let research = dir.path().join("research");
    devices::add(
        &research,
        &tablet.device().unwrap().fingerprint(),
        "Oslo",
        "T",
    )
    .unwrap();
    let b1 = export(&mut tablet, &out).unwrap();
    import_one(&b1, dir.path(), &research);
    assert!(export(&mut tablet, &out).is_none(), "nothing changed yet");

    // After the last exported session: withdrawal, end of treatment, and
    // a timepoint marked missed with a coded reason and words.
    let p = tablet.participants().unwrap().remove(0);
    let mut consent = p.consent.clone().unwrap();
    consent.withdrawn_at = Some(kohort_testkit::date(2025, 7, 1));
    tablet.record_consent(p.id, &consent).unwrap();
    let episode = tablet.episodes(p.id).unwrap().remove(0);
    tablet
        .end_episode(episode.id, kohort_testkit::date(2025, 7, 2), EndType::Died)
        .unwrap();
    tablet
        .mark_missed(episode.id, "m36", 0, Some(3), "moved away")
        .unwrap();
    let b2 = export(&mut tablet, &out).expect("changed facts alone make a batch");
    assert!(export(&mut tablet, &out).is_none(), "sent once");
    import_one(&b2, dir.path(), &research);

    let conn = db::open(&research, false).unwrap();
    let (consent, enrolled): (String, Option<String>) = conn
        .query_row(
            "SELECT consent, enrolled_at FROM participants WHERE id = ?1",
            [p.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        consent.contains("\"withdrawn_at\":\"2025-07-01\""),
        "{consent}"
    );
    assert_eq!(enrolled, Some(kohort_batch::stamp(p.enrolled_at)));
    let (end_date, end_type, number): (String, String, i64) = conn
        .query_row(
            "SELECT end_date, end_type, number FROM episodes WHERE id = ?1",
            [episode.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (end_date.as_str(), end_type.as_str(), number),
        ("2025-07-02", "died", 1)
    );
    let (form, occurrence, code, reason): (String, i64, i64, String) = conn
        .query_row(
            "SELECT form_id, occurrence, reason_code, reason FROM missed WHERE episode = ?1",
            [episode.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (form.as_str(), occurrence, code, reason.as_str()),
        ("m36", 1, 3, "moved away")
    );

    // Every session carries the occurrence the tablet placed it at, from 1.
    let completed = SessionFilter {
        status: Some(SessionStatus::Completed),
        participant: None,
    };
    let tablet_sessions = tablet.list_sessions(&completed).unwrap();
    assert!(tablet_sessions.iter().any(|s| s.occurrence > 0));
    for s in tablet_sessions {
        let occ: i64 = conn
            .query_row(
                "SELECT occurrence FROM sessions WHERE id = ?1",
                [s.id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(occ, i64::from(s.occurrence) + 1, "session {}", s.id);
    }

    // And the analysis files show them: the withdrawal flagged (rows kept),
    // the end of treatment, the missed timepoint with its reason.
    let files = dir.path().join("dataset");
    let opts = kohort_research::dataset::Options::default();
    kohort_research::dataset::write(&research, &kohort_testkit::study(), &files, &opts).unwrap();
    let row_of = |file: &str, key: &str| -> (Vec<String>, Vec<String>) {
        let text = fs::read_to_string(files.join(file)).unwrap();
        let mut lines = text.lines();
        let head = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect();
        let row = lines
            .find(|l| l.contains(key))
            .unwrap_or_else(|| panic!("{key} not in {file}"))
            .split(',')
            .map(str::to_owned)
            .collect();
        (head, row)
    };
    let cell = |(head, row): &(Vec<String>, Vec<String>), col: &str| {
        let i = head.iter().position(|h| h == col).unwrap();
        row[i].clone()
    };
    let p_row = row_of("participants.csv", &p.study_code);
    assert_eq!(cell(&p_row, "withdrawn_at"), "2025-07-01");
    let e_row = row_of("episodes.csv", &p.study_code);
    assert_eq!(cell(&e_row, "end_type"), "died");
    let visits = fs::read_to_string(files.join("visits.csv")).unwrap();
    assert!(
        visits
            .lines()
            .any(|l| l.contains(&p.study_code) && l.contains("m36") && l.contains("moved away")),
        "{visits}"
    );
    let long = fs::read_to_string(files.join("long.csv")).unwrap();
    assert!(long.contains(&p.study_code), "a withdrawal keeps the rows");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&files), 0o700);
        assert_eq!(mode(&files.join("long.csv")), 0o600);
    }
}
