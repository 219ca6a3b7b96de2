//! Upload to a stand-in of the TSD file API on 127.0.0.1: files arrive
//! byte for byte (also chunked), cut connections are retried and resume
//! from the last acknowledged chunk, a refused token stops at once, and a
//! captive portal's page or a wrong size is never taken as delivered.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use kohort_batch::digest;
use kohort_tablet::store::{BatchState, Via};
use kohort_tablet::sync::{self, Event, OutboxFile, Plan, Target, Transfer, Tsd, Tuning};

use kohort_testkit::tsd::{Faults, Server, TOKEN};

/// Quick retries, and chunks small enough to have several per test file.
fn tuning() -> Tuning {
    Tuning {
        resumable_above: 64 << 10,
        chunk_size: 16 << 10,
        attempts: 4,
        first_wait: Duration::from_millis(10),
        max_wait: Duration::from_millis(40),
        connect_timeout: Duration::from_secs(5),
        answer_timeout: Duration::from_secs(10),
    }
}

fn tsd(server: &Server, token: &str) -> Tsd {
    Tsd::new(&server.url, "p11", None, token)
        .unwrap()
        .with_tuning(tuning())
}

/// Files of pseudo-random bytes in `dir`, as an upload plan.
fn plan(dir: &Path, sizes: &[usize]) -> Plan {
    let mut x: u32 = 0x9e37_79b9;
    let files = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let bytes: Vec<u8> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            let name = format!("dev-{:06}.kohort", i + 1);
            let path = dir.join(&name);
            std::fs::write(&path, &bytes).unwrap();
            OutboxFile {
                seq: i as u64 + 1,
                name,
                path,
                sha256: digest::sha256_hex(&bytes),
            }
        })
        .collect();
    Plan {
        device_id: "dev".into(),
        outbox: dir.to_owned(),
        files,
    }
}

fn run(plan: &Plan, target: Target) -> (Result<(), String>, Vec<Event>) {
    let mut events = Vec::new();
    let r = sync::run(plan, &target, &AtomicBool::new(false), &mut |e| {
        events.push(e)
    });
    (r.map_err(|e| e.to_string()), events)
}

fn delivered(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Delivered(d) => Some(d.seq),
            _ => None,
        })
        .collect()
}

fn retries(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Retrying { .. }))
        .count()
}

fn assert_arrived(server: &Server, plan: &Plan, group: &str) {
    for f in &plan.files {
        let sent = std::fs::read(&f.path).unwrap();
        let got = server.file(group, &f.name).expect("file on the server");
        assert!(got == sent, "{} arrived changed", f.name);
    }
}

#[test]
fn files_arrive_byte_identical_by_put_and_by_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults::default());
    // 1 KiB and 40 KiB by PUT; 200 KiB + 7 bytes in 13 chunks.
    let plan = plan(dir.path(), &[1024, 40 << 10, (200 << 10) + 7]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(delivered(&events), [1, 2, 3]);
    assert_eq!(retries(&events), 0);
    assert_arrived(&server, &plan, "p11-member-group");
    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.starts_with("PUT /v1/p11/files/stream/p11-member-group/dev-000001.kohort"))
    );
    assert!(
        log.iter()
            .any(|l| l == "PATCH /v1/p11/files/stream/p11-member-group/dev-000003.kohort?chunk=1&group=p11-member-group")
    );
    assert!(
        log.iter()
            .any(|l| l == "PATCH /v1/p11/files/stream/p11-member-group/dev-000003.kohort?chunk=13&id=upload-1&group=p11-member-group")
    );
    assert!(
        log.iter()
            .any(|l| l == "PATCH /v1/p11/files/stream/p11-member-group/dev-000003.kohort?chunk=end&id=upload-1&group=p11-member-group")
    );
    assert!(
        log.iter()
            .any(|l| l == "HEAD /v1/p11/files/stream/p11-member-group/dev-000003.kohort")
    );
    // Progress ends at the total.
    let last = events.iter().rev().find_map(|e| match e {
        Event::Progress { done, total, .. } => Some((*done, *total)),
        _ => None,
    });
    let total = 1024 + (40 << 10) + (200 << 10) + 7;
    assert_eq!(last, Some((total, total)));
}

#[test]
fn a_named_group_and_a_listing_when_head_is_not_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        no_head: true,
        ..Default::default()
    });
    let plan = plan(dir.path(), &[3000, 100 << 10]);
    let tsd = Tsd::new(&server.url, "p11", Some("p11-data-group"), TOKEN)
        .unwrap()
        .with_tuning(tuning());
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd)));
    r.unwrap();
    assert_eq!(delivered(&events), [1, 2]);
    assert_arrived(&server, &plan, "p11-data-group");
    assert!(
        server
            .log()
            .iter()
            .any(|l| l == "GET /v1/p11/files/stream/p11-data-group")
    );
    match &events.iter().find_map(|e| match e {
        Event::Delivered(d) => Some(d.via.clone()),
        _ => None,
    }) {
        Some(Via::Upload { project, group, .. }) => {
            assert_eq!(
                (project.as_str(), group.as_str()),
                ("p11", "p11-data-group")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_cut_connection_is_retried_and_the_upload_completes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        cut_bodies: 2,
        ..Default::default()
    });
    let plan = plan(dir.path(), &[30 << 10]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(delivered(&events), [1]);
    assert_eq!(retries(&events), 2);
    assert_arrived(&server, &plan, "p11-member-group");
}

#[test]
fn a_resumable_upload_resumes_from_the_last_acknowledged_chunk() {
    let dir = tempfile::tempdir().unwrap();
    // Chunk 3 is cut mid-body; chunk 5 arrives but its answer is lost.
    let server = Server::start(Faults {
        cut_bodies: 1,
        lose_answers: 0,
        only_chunk: Some("3".into()),
        ..Default::default()
    });
    let plan = plan(dir.path(), &[(100 << 10) + 1]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(retries(&events), 1);
    assert_arrived(&server, &plan, "p11-member-group");
    let log = server.log();
    let sent = |chunk: &str| {
        log.iter()
            .filter(|l| {
                l.contains(&format!("chunk={chunk}&")) || l.ends_with(&format!("chunk={chunk}"))
            })
            .count()
    };
    assert_eq!((sent("1"), sent("2"), sent("3"), sent("4")), (1, 1, 2, 1));

    let server = Server::start(Faults {
        lose_answers: 1,
        only_chunk: Some("5".into()),
        ..Default::default()
    });
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(retries(&events), 1);
    assert_arrived(&server, &plan, "p11-member-group");
    let log = server.log();
    // The lost answer is asked about instead of sending chunk 5 twice.
    assert!(
        log.iter()
            .any(|l| l == "GET /v1/p11/files/resumables/dev-000001.kohort?id=upload-1")
    );
    assert_eq!(log.iter().filter(|l| l.contains("chunk=5&")).count(), 1);
}

#[test]
fn a_refused_token_stops_at_once_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults::default());
    let plan = plan(dir.path(), &[2048, 2048]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, "expired-token"))));
    let e = r.unwrap_err();
    assert!(e.contains("the token is wrong or expired"), "{e}");
    assert!(e.contains("401"), "{e}");
    assert!(
        !e.contains("expired-token"),
        "the token is never shown: {e}"
    );
    assert!(delivered(&events).is_empty());
    assert_eq!(retries(&events), 0);
    assert_eq!(server.log().len(), 1, "no retry after a 401");
}

#[test]
fn a_captive_portal_page_is_not_taken_as_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        portal: true,
        ..Default::default()
    });
    for sizes in [[2048], [100 << 10]] {
        let plan = plan(dir.path(), &sizes);
        let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
        let e = r.unwrap_err();
        assert!(e.contains("captive portal"), "{e}");
        assert!(delivered(&events).is_empty());
    }
}

#[test]
fn a_file_of_the_wrong_size_on_the_server_is_not_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        truncate: true,
        ..Default::default()
    });
    let plan = plan(dir.path(), &[4096]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    let e = r.unwrap_err();
    assert!(e.contains("not 4096 bytes"), "{e}");
    assert!(delivered(&events).is_empty());
}

#[test]
fn a_damaged_outbox_file_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults::default());
    let plan = plan(dir.path(), &[4096]);
    std::fs::write(&plan.files[0].path, b"something else").unwrap();
    let (r, _) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    assert!(r.unwrap_err().contains("damaged or replaced"));
    assert!(server.log().is_empty());
}

/// The app's way: a worker thread uploads real batches, this thread records.
#[test]
fn uploaded_batches_are_recorded_delivered_with_where_they_went() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults::default());
    let keys = kohort_batch::ResearchKeys::from_secrets("hab", [7; 32], [8; 32]);
    let db = dir.path().join("t.db");
    let (mut store, _) = kohort_testkit::create(&db);
    let public = keys.public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();
    kohort_tablet::store::demo::fill(&mut store, &kohort_testkit::study(), 3, 5).unwrap();
    let outbox = sync::outbox(&db);
    std::fs::create_dir_all(&outbox).unwrap();
    sync::export(&mut store, &outbox).unwrap();
    let plan = sync::plan(&store, &outbox).unwrap();
    assert_eq!(plan.files.len(), 1);
    let mut t = Transfer::spawn(plan.clone(), Target::Tsd(Box::new(tsd(&server, TOKEN))));
    let mut finished = None;
    while let Some(e) = t.wait() {
        t.record(&mut store, &e).unwrap();
        if let Event::Finished(why) = e {
            finished = Some(why);
        }
    }
    assert_eq!(finished, Some(None));
    assert_arrived(&server, &plan, "p11-member-group");
    let b = &store.batches().unwrap()[0];
    assert_eq!(b.state, BatchState::Delivered);
    let d = store.deliveries().unwrap();
    assert_eq!(
        d[0].via,
        Via::Upload {
            url: server.url.clone(),
            project: "p11".into(),
            group: "p11-member-group".into()
        }
    );
    let audit = store.audit_entries().unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "batch_delivered");
    assert!(!last.subject.contains(TOKEN));
}

/// Upload throughput to the stand-in server beside a plain socket copy of
/// the same bytes to 127.0.0.1 (a measurement, not a check):
/// `cargo test --test delivery_upload -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    use std::io::{Read, Write};
    use std::time::Instant;
    const SIZE: usize = 32 << 20;
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &[SIZE]);
    let bytes = std::fs::read(&plan.files[0].path).unwrap();
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mib_s = |secs: f64| SIZE as f64 / (1 << 20) as f64 / secs;
    let mut raw = Vec::new();
    for _ in 0..5 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let sink = std::thread::spawn(move || {
            let (mut c, _) = listener.accept().unwrap();
            let mut got = Vec::with_capacity(SIZE);
            c.read_to_end(&mut got).unwrap();
            got.len()
        });
        let t = Instant::now();
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.write_all(&bytes).unwrap();
        drop(c);
        assert_eq!(sink.join().unwrap(), SIZE);
        raw.push(t.elapsed().as_secs_f64());
    }
    let mut put = Vec::new();
    let mut chunked = Vec::new();
    for (times, above) in [(&mut put, u64::MAX), (&mut chunked, 0)] {
        for _ in 0..5 {
            let server = Server::start(Faults::default());
            let tsd = Tsd::new(&server.url, "p11", None, TOKEN)
                .unwrap()
                .with_tuning(Tuning {
                    resumable_above: above,
                    chunk_size: 4 << 20,
                    ..tuning()
                });
            let t = Instant::now();
            run(&plan, Target::Tsd(Box::new(tsd))).0.unwrap();
            times.push(t.elapsed().as_secs_f64());
        }
    }
    let (r, p, c) = (median(raw), median(put), median(chunked));
    println!(
        "32 MiB, median of 5: raw socket {:.0} MiB/s ({:.1} ms); PUT {:.0} MiB/s ({:.1} ms, {:.1}x raw); \
         resumable 4 MiB chunks {:.0} MiB/s ({:.1} ms, {:.1}x raw)",
        mib_s(r),
        r * 1e3,
        mib_s(p),
        p * 1e3,
        p / r,
        mib_s(c),
        c * 1e3,
        c / r
    );
}

#[test]
fn uploads_name_the_group_in_the_path_as_the_current_client_does() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults::default());
    let plan = plan(dir.path(), &[2048, 100 << 10]);
    let (r, _) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    let log = server.log();
    assert!(
        log.iter().any(|l| l.starts_with(
            "PUT /v1/p11/files/stream/p11-member-group/dev-000001.kohort?group=p11-member-group"
        )),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("PATCH /v1/p11/files/stream/p11-member-group/dev-000002.kohort")),
        "{log:?}"
    );
    assert_arrived(&server, &plan, "p11-member-group");
}

#[test]
fn an_error_with_an_empty_page_is_reported_with_its_status_not_as_a_portal() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        put_status: Some("400 Bad Request".into()),
        ..Default::default()
    });
    let plan = plan(dir.path(), &[2048]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    let e = r.unwrap_err();
    assert!(e.contains("HTTP 400 Bad Request"), "{e}");
    assert!(!e.contains("captive portal"), "{e}");
    assert!(delivered(&events).is_empty());
}

#[test]
fn an_upload_the_check_cannot_see_is_uploaded_but_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    // The upload is taken (201), but HEAD and the listing read another
    // area: 404 with the real server's empty body, and an empty listing.
    for no_head in [false, true] {
        let server = Server::start(Faults {
            forget_files: true,
            no_head,
            ..Default::default()
        });
        let plan = plan(dir.path(), &[2048, 100 << 10]);
        let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
        r.unwrap();
        let unchecked: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                Event::Delivered(d) if !d.checked => Some(d.seq),
                _ => None,
            })
            .collect();
        assert_eq!(unchecked, [1, 2], "no_head: {no_head}");
        assert_eq!(retries(&events), 0);
    }
}

#[test]
fn a_403_for_a_group_says_the_user_is_not_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        member_of: Some(vec!["p11-member-group".into()]),
        ..Default::default()
    });
    let plan = plan(dir.path(), &[2048]);
    let tsd = Tsd::new(&server.url, "p11", Some("p11-data-group"), TOKEN)
        .unwrap()
        .with_tuning(tuning());
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd)));
    let e = r.unwrap_err();
    // The test token is no JWT: the message names both possibilities.
    assert!(
        e.contains("group p11-data-group (HTTP 403 Forbidden)"),
        "{e}"
    );
    assert!(e.contains("not a member of p11-data-group"), "{e}");
    assert!(delivered(&events).is_empty());
    assert_eq!(retries(&events), 0);
}

#[test]
fn the_listing_is_read_across_pages() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Faults {
        no_head: true,
        ..Default::default()
    });
    // 300 files already in the group, listed before ours (by name).
    {
        let mut s = server.state.lock().unwrap();
        for i in 0..300 {
            s.files.insert(
                ("p11-member-group".into(), format!("aaa-{i:04}.kohort")),
                vec![0; 10],
            );
        }
    }
    let plan = plan(dir.path(), &[2048]);
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(delivered(&events), [1]);
    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.starts_with("GET /v1/p11/files/stream/p11-member-group?page=3")),
        "{log:?}"
    );
}

#[test]
fn an_upload_interrupted_in_one_run_is_resumed_by_name_in_the_next() {
    let dir = tempfile::tempdir().unwrap();
    // Chunk 4 never gets through in the first run: it gives up.
    let server = Server::start(Faults {
        cut_bodies: 100,
        only_chunk: Some("4".into()),
        ..Default::default()
    });
    let plan = plan(dir.path(), &[(100 << 10) + 1]);
    let (r, _) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    assert!(r.unwrap_err().contains("gave up"));
    server.state.lock().unwrap().faults = Faults::default();
    let first = server.log().len();

    // Kohort started again: it finds the unfinished upload by the file's
    // name and goes on from chunk 4.
    let (r, events) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    r.unwrap();
    assert_eq!(delivered(&events), [1]);
    assert_arrived(&server, &plan, "p11-member-group");
    let log = server.log()[first..].to_vec();
    assert_eq!(log[0], "GET /v1/p11/files/resumables");
    let chunks: Vec<&String> = log.iter().filter(|l| l.contains("chunk=")).collect();
    assert!(chunks[0].contains("chunk=4&id=upload-1"), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("chunk=1&")), "{log:?}");

    // One left by a run with another chunk size is deleted, not resumed.
    let server = Server::start(Faults {
        cut_bodies: 100,
        only_chunk: Some("3".into()),
        ..Default::default()
    });
    let (r, _) = run(&plan, Target::Tsd(Box::new(tsd(&server, TOKEN))));
    assert!(r.is_err());
    server.state.lock().unwrap().faults = Faults::default();
    let mut other = tuning();
    other.chunk_size = 32 << 10;
    let tsd = Tsd::new(&server.url, "p11", None, TOKEN)
        .unwrap()
        .with_tuning(other);
    let (r, _) = run(&plan, Target::Tsd(Box::new(tsd)));
    r.unwrap();
    assert_arrived(&server, &plan, "p11-member-group");
    assert!(
        server
            .log()
            .iter()
            .any(|l| l == "DELETE /v1/p11/files/resumables/dev-000001.kohort?id=upload-1")
    );
}
