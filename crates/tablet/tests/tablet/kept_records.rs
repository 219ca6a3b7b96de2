//! A completed session keeps its record until its batch is confirmed: what an
//! export reads instead of replaying the session is exactly what the
//! replay gives, and a database from before records were kept gets them
//! at its next unlock.

use kohort_batch::{SessionRecord, Variable};
use kohort_form::study::load_study;
use kohort_tablet::store::demo;
use kohort_tablet::sync;

use kohort_testkit::{create, reopen};

/// The collected records with the kept variables put back in.
fn whole(c: &sync::Collected) -> Vec<SessionRecord> {
    c.records
        .iter()
        .zip(&c.variables_json)
        .map(|(r, json)| match json {
            Some(json) => {
                assert!(r.variables.is_empty());
                let variables: Vec<Variable> = serde_json::from_slice(json).unwrap();
                SessionRecord {
                    variables,
                    ..r.clone()
                }
            }
            None => r.clone(),
        })
        .collect()
}

#[test]
fn a_kept_record_is_what_replaying_the_session_gives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let study = load_study(&kohort_testkit::forms_dir()).unwrap().0;
    let (mut store, _) = create(&path);
    let sum = demo::fill(&mut store, &study, 4, 7).unwrap();
    assert!(sum.completed > 4);

    let kept = sync::collect(&store).unwrap();
    assert_eq!(kept.records.len(), sum.completed);
    assert!(kept.variables_json.iter().all(Option::is_some));

    // As a database from before: no record kept, every session replayed.
    store
        .sql()
        .execute("DELETE FROM session_records", [])
        .unwrap();
    let replayed = sync::collect(&store).unwrap();
    assert!(replayed.variables_json.iter().all(Option::is_none));
    assert!(replayed.records.iter().all(|r| !r.variables.is_empty()));
    assert_eq!(whole(&kept), replayed.records);
    // The very bytes the batch carries.
    for (json, r) in kept.variables_json.iter().zip(&replayed.records) {
        let mut again = Vec::new();
        kohort_batch::write_variables(&mut again, &r.variables).unwrap();
        assert_eq!(json.as_deref(), Some(&again[..]));
    }

    // The next unlock keeps them again, and takes the mark away.
    drop(store);
    let store = reopen(&path);
    let again = sync::collect(&store).unwrap();
    assert!(again.variables_json.iter().all(Option::is_some));
    assert_eq!(whole(&again), replayed.records);
    assert_eq!(store.setting("records_to_keep").unwrap(), None);

    // Sealed into a batch, their records stay kept (a lost file is sealed
    // again from them) until the research store confirms it.
    let mut store = store;
    let public = kohort_testkit::research_keys().public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    assert!(matches!(
        sync::export(&mut store, &out).unwrap(),
        sync::Exported::Batch { .. }
    ));
    let left: i64 = store
        .sql()
        .query_row("SELECT count(*) FROM session_records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left as usize, sum.completed);
}

#[test]
fn a_changed_kept_record_is_refused_not_exported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let study = load_study(&kohort_testkit::forms_dir()).unwrap().0;
    let (mut store, _) = create(&path);
    demo::fill(&mut store, &study, 2, 3).unwrap();
    // One session's kept value moved onto another: sealed for its own row.
    store
        .sql()
        .execute(
            "UPDATE session_records SET value = (SELECT value FROM session_records
                 ORDER BY session LIMIT 1)
             WHERE session = (SELECT session FROM session_records ORDER BY session DESC LIMIT 1)",
            [],
        )
        .unwrap();
    let e = sync::collect(&store).unwrap_err();
    assert!(e.to_string().contains("session_records"), "{e}");
}
