//! Verified content: batches signed by an enrolled tablet's own key but
//! carrying a bad instrument or an answer its question does not accept are
//! refused whole, naming what is wrong, and the store stays usable.

use std::fs;
use std::path::{Path, PathBuf};

use kohort_batch::audit::entry_hash;
use kohort_batch::{self as batch, AuditRecord, Payload, PinnedContent, SessionRecord};
use kohort_form::AnswerValue;
use kohort_research::{FileOutcome, db, devices};
use kohort_tablet::store::{Store, demo};
use kohort_tablet::sync::{self, Exported};

struct Case {
    dir: tempfile::TempDir,
    tablet: Store,
    genuine: PathBuf,
    store: PathBuf,
}

fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = kohort_testkit::tablet(&dir.path().join("t.db"));
    demo::fill(&mut tablet, &kohort_testkit::study(), 1, 3).unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let Exported::Batch { path, .. } = sync::export(&mut tablet, &out).unwrap() else {
        panic!("expected a batch");
    };
    let store = dir.path().join("research");
    devices::add(&store, &tablet.device().unwrap().fingerprint(), "Oslo", "T").unwrap();
    Case {
        dir,
        tablet,
        genuine: path,
        store,
    }
}

impl Case {
    /// The genuine batch with its content edited, sealed and signed again
    /// with the tablet's own (enrolled) key.
    fn forge(
        &self,
        edit: impl FnOnce(&mut Vec<PinnedContent>, &mut Vec<SessionRecord>),
    ) -> Vec<u8> {
        self.forge_as(1, edit, |_| {})
    }

    /// [`Case::forge`] as batch `seq` (2 follows the genuine batch).
    fn forge_as(
        &self,
        seq: u64,
        edit: impl FnOnce(&mut Vec<PinnedContent>, &mut Vec<SessionRecord>),
        edit_audit: impl FnOnce(&mut Vec<AuditRecord>),
    ) -> Vec<u8> {
        let bytes = fs::read(&self.genuine).unwrap();
        let v = batch::verify(&bytes).unwrap();
        let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
        let mut instruments = opened.payload.instruments;
        let mut records = opened.records;
        edit(&mut instruments, &mut records);
        let mut audit = opened.payload.audit;
        edit_audit(&mut audit);
        let (payload, hashes) = Payload::new(instruments, &records, audit).unwrap();
        let mut h = v.header.clone();
        if seq == 2 {
            h.seq = 2;
            h.prev_hash = hex::encode(v.hash);
        }
        h.record_count = hashes.len() as u64;
        h.record_hashes = hashes;
        batch::seal(
            &h,
            &payload,
            &kohort_testkit::research_keys().public().unwrap(),
            &self.tablet.signing_key().unwrap(),
            &mut rand_core::UnwrapErr(rand_core::OsRng),
        )
        .unwrap()
    }

    /// Imports `bytes` under the genuine file's name; the outcome.
    fn import(&self, bytes: &[u8], folder: &str) -> FileOutcome {
        let in_dir = self.dir.path().join(folder);
        fs::create_dir_all(&in_dir).unwrap();
        let name = batch::verify(bytes).unwrap().header.file_name();
        fs::write(in_dir.join(name), bytes).unwrap();
        let report =
            kohort_research::import_dir(&kohort_testkit::research_keys(), &in_dir, &self.store)
                .unwrap();
        report.files[0].1.clone()
    }
}

fn refused(o: FileOutcome) -> String {
    match o {
        FileOutcome::Refused { reason } => reason,
        o => panic!("expected a refusal: {o:?}"),
    }
}

fn sessions(store: &Path) -> i64 {
    db::open(store, true)
        .unwrap()
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_instrument_whose_text_does_not_match_its_hash_is_refused_and_the_dataset_still_works() {
    let c = case();
    let forged = c.forge(|inst, records| {
        records.clear();
        inst[0].canonical = inst[0].canonical.replace("\"nb\":\"", "\"nb\":\"FORGED ");
    });
    let reason = refused(c.import(&forged, "bad"));
    assert!(reason.contains("does not match its hash"), "{reason}");
    assert_eq!(sessions(&c.store), 0);

    // The genuine batch imports, and the analysis files are written.
    assert!(matches!(
        c.import(&fs::read(&c.genuine).unwrap(), "good"),
        FileOutcome::Imported { .. }
    ));
    let out = c.dir.path().join("dataset");
    kohort_research::dataset::write(
        &c.store,
        &kohort_testkit::study(),
        &out,
        &kohort_research::dataset::Options::default(),
    )
    .unwrap();
    assert!(out.join("long.csv").is_file());
}

#[test]
fn the_same_instrument_version_with_other_text_is_refused() {
    let c = case();
    assert!(matches!(
        c.import(&fs::read(&c.genuine).unwrap(), "good"),
        FileOutcome::Imported { .. }
    ));
    // Relabelled, with its hash made to match: still the same id and
    // version as the one the store has.
    let forged = c.forge_as(
        2,
        |inst, records| {
            records.clear();
            let i = &mut inst[0];
            i.canonical = i.canonical.replacen("\"nb\":\"", "\"nb\":\"FORGED ", 1);
            i.hash = batch::digest::sha256_hex(i.canonical.as_bytes());
        },
        |audit| audit.clear(),
    );
    let bytes = batch::verify(&forged).unwrap().header;
    assert_eq!(bytes.record_count, 0);
    let reason = refused(c.import(&forged, "relabelled"));
    assert!(
        reason.contains("already has this id and version"),
        "{reason}"
    );
}

#[test]
fn an_answer_the_question_does_not_accept_is_refused_with_session_and_variable() {
    let c = case();
    let mut target = (String::new(), String::new());
    let forged = c.forge(|_, records| {
        let r = &mut records[0];
        let v = r
            .variables
            .iter_mut()
            .find(|v| matches!(v.value, Some(AnswerValue::Code(_))))
            .unwrap();
        v.value = Some(AnswerValue::Code(99));
        target = (r.id.clone(), v.name.clone());
    });
    let reason = refused(c.import(&forged, "code"));
    assert!(
        reason.contains(&target.0) && reason.contains(&target.1) && reason.contains("99"),
        "{reason}"
    );

    let forged = c.forge(|_, records| {
        records[0].variables[0].name = "not_a_question".into();
    });
    let reason = refused(c.import(&forged, "name"));
    assert!(reason.contains("not_a_question"), "{reason}");

    let forged = c.forge(|_, records| {
        let v = records[0]
            .variables
            .iter_mut()
            .find(|v| v.state == "declined")
            .unwrap();
        v.value = Some(AnswerValue::Int(1));
    });
    let reason = refused(c.import(&forged, "state"));
    assert!(reason.contains("declined, but a value"), "{reason}");
    assert_eq!(sessions(&c.store), 0);
}

/// Entries re-hashed into a chain that links, starting from `prev`.
fn rechain(entries: &mut [AuditRecord], mut prev: String) {
    for a in entries {
        a.prev_hash = prev;
        a.hash = entry_hash(&a.prev_hash, a.seq, &a.at, &a.actor, &a.action, &a.subject);
        prev = a.hash.clone();
    }
}

#[test]
fn an_audit_chain_that_is_edited_forks_or_leaves_a_gap_is_held() {
    let c = case();
    let genuine = fs::read(&c.genuine).unwrap();
    let audit = {
        let v = batch::verify(&genuine).unwrap();
        batch::open(&v, &kohort_testkit::research_keys())
            .unwrap()
            .payload
            .audit
    };
    let n = audit.len();
    assert!(n > 2);

    // An entry edited without its hash: held before anything is written.
    let edited = c.forge_as(1, |_, _| {}, |a| a[1].subject.push_str(" (edited)"));
    let FileOutcome::Held { reason, .. } = c.import(&edited, "edited") else {
        panic!("expected it held");
    };
    assert!(reason.contains("does not match its hash"), "{reason}");
    assert_eq!(sessions(&c.store), 0);
    fs::remove_dir_all(c.store.join("held")).unwrap();
    assert!(matches!(
        c.import(&genuine, "good"),
        FileOutcome::Imported { .. }
    ));

    // Batch 2 truncating the log back to entry n - 1 and continuing with
    // other entries (re-hashed, so each link holds): a fork.
    let last = audit[n - 1].clone();
    let fork = c.forge_as(
        2,
        |_, records| records.clear(),
        |a| {
            *a = vec![AuditRecord {
                subject: "rewritten".into(),
                ..last.clone()
            }];
            rechain(a, audit[n - 2].hash.clone());
        },
    );
    let FileOutcome::Held { reason, .. } = c.import(&fork, "fork") else {
        panic!("expected the fork held");
    };
    assert!(reason.contains("forks"), "{reason}");

    // Batch 2 whose entries skip one: a gap after batch 1's last entry.
    let gap = c.forge_as(
        2,
        |_, records| records.clear(),
        |a| {
            *a = vec![AuditRecord {
                seq: last.seq + 2,
                ..last.clone()
            }];
            rechain(a, "ab".repeat(32));
        },
    );
    let FileOutcome::Held { reason, .. } = c.import(&gap, "gap") else {
        panic!("expected the gap held");
    };
    assert!(reason.contains("gap"), "{reason}");

    // Batch 2 that continues the chain is taken.
    let next = c.forge_as(
        2,
        |_, records| records.clear(),
        |a| {
            *a = vec![AuditRecord {
                seq: last.seq + 1,
                subject: "next".into(),
                ..last.clone()
            }];
            rechain(a, last.hash.clone());
        },
    );
    let outcome = c.import(&next, "next");
    assert!(
        matches!(outcome, FileOutcome::Imported { .. }),
        "{outcome:?}"
    );
}

#[test]
fn one_instrument_version_twice_in_a_batch_with_two_texts_is_refused() {
    let c = case();
    let forged = c.forge(|inst, records| {
        records.clear();
        let mut twin = inst[0].clone();
        twin.canonical = twin.canonical.replacen("\"nb\":\"", "\"nb\":\"TWIN ", 1);
        twin.hash = batch::digest::sha256_hex(twin.canonical.as_bytes());
        inst.push(twin);
    });
    let reason = refused(c.import(&forged, "twins"));
    assert!(reason.contains("comes twice"), "{reason}");
}
