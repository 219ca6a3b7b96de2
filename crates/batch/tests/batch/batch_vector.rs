//! The test vector in `docs/batch-format.md`: a fixed small batch made with
//! fixed keys and a seeded generator. This test rebuilds it byte for byte
//! and parses and opens the copy in the document, so the document and the
//! code cannot drift apart. `KOHORT_PRINT_VECTOR=1` prints the hex. The
//! format 1, 2 and 3 vectors the document showed before are kept beside
//! this file: such batches are still made the same way and still open.

use ed25519_dalek::SigningKey;
use rand_chacha09::ChaCha20Rng;
use rand_chacha09::rand_core::SeedableRng;

use kohort_batch::{
    self, AuditRecord, ConsentFacts, EpisodeFacts, EpisodeRecord, Facts, Header, MissedRecord,
    NO_PREVIOUS, ParticipantFacts, ParticipantRecord, Payload, Pinned, ResearchKeys, SessionRecord,
    Variable, digest,
};
use kohort_form::AnswerValue;

fn record() -> SessionRecord {
    SessionRecord {
        id: "0190f000-0000-7000-8000-000000000001".into(),
        form_id: "baseline".into(),
        respondent: "patient".into(),
        started_at: "2025-03-01T10:00:00.000Z".into(),
        completed_at: Some("2025-03-01T10:40:00.000Z".into()),
        participant: ParticipantFacts {
            id: "0190f000-0000-7000-8000-0000000000a1".into(),
            study_code: "DEMO-OSL-0001".into(),
            site: "OSL".into(),
            consent: Some(ConsentFacts {
                date: "2025-03-01".into(),
                version: "1.0".into(),
                contact_interview: true,
                contact_relatives: false,
                withdrawn_at: None,
            }),
        },
        episode: EpisodeFacts {
            id: "0190f000-0000-7000-8000-0000000000e1".into(),
            anchor_date: "2025-03-01".into(),
            end_date: None,
            end_type: None,
        },
        instruments: vec![Pinned {
            id: "demo".into(),
            version: "1.0.0".into(),
            hash: "00".repeat(32),
        }],
        variables: vec![
            Variable {
                instrument: "demo".into(),
                name: "q1".into(),
                state: "answered".into(),
                value: Some(AnswerValue::Code(2)),
                answered_at: Some("2025-03-01T10:05:00.000Z".into()),
            },
            Variable {
                instrument: "demo".into(),
                name: "q2".into(),
                state: "declined".into(),
                value: None,
                answered_at: Some("2025-03-01T10:06:00.000Z".into()),
            },
        ],
        occurrence: None,
    }
}

/// The session of format 2: its scheduled occurrence too.
fn record_v2() -> SessionRecord {
    SessionRecord {
        occurrence: Some(1),
        ..record()
    }
}

/// Format 2's records of their own: the participant (withdrawn later),
/// the episode and a missed timepoint.
fn facts() -> Facts {
    let r = record();
    let mut consent = r.participant.consent.clone();
    if let Some(c) = consent.as_mut() {
        c.withdrawn_at = Some("2025-09-01".into());
    }
    Facts {
        participants: vec![ParticipantRecord {
            id: r.participant.id.clone(),
            study_code: r.participant.study_code.clone(),
            site: r.participant.site.clone(),
            enrolled_at: "2025-03-01T09:30:00.000Z".into(),
            consent,
        }],
        episodes: vec![EpisodeRecord {
            id: r.episode.id.clone(),
            participant: r.participant.id.clone(),
            number: 1,
            anchor_date: "2025-03-01".into(),
            end_date: None,
            end_type: None,
        }],
        missed: vec![MissedRecord {
            episode: r.episode.id.clone(),
            form_id: "followup_3m".into(),
            occurrence: 1,
            reason_code: Some(2),
            reason: "".into(),
            marked_at: "2025-06-20T12:00:00.000Z".into(),
        }],
    }
}

fn keys() -> ResearchKeys {
    ResearchKeys::from_secrets("demo", [1; 32], [2; 32])
}

fn build() -> Vec<u8> {
    build_as(kohort_batch::VERSION)
}

fn audit() -> Vec<AuditRecord> {
    vec![AuditRecord {
        seq: 1,
        at: "2025-03-01T09:00:00.000Z".into(),
        actor: "staff".into(),
        action: "store_created".into(),
        subject: "device=0190f000-0000-7000-8000-0000000000d1".into(),
        prev_hash: NO_PREVIOUS.into(),
        hash: "11".repeat(32),
    }]
}

fn header(format: u16, record_hashes: Vec<String>) -> Header {
    let device = SigningKey::from_bytes(&[3; 32]);
    Header {
        format,
        study_id: "demo".into(),
        device_id: "0190f000-0000-7000-8000-0000000000d1".into(),
        device_key: hex::encode(device.verifying_key().to_bytes()),
        seq: 1,
        prev_hash: NO_PREVIOUS.into(),
        created_at: "2025-03-02T08:00:00.000Z".into(),
        research_key: keys().public().unwrap().fingerprint(),
        record_count: record_hashes.len() as u64,
        record_hashes,
        demo: false,
        epoch: None,
    }
}

fn build_as(format: u16) -> Vec<u8> {
    let device = SigningKey::from_bytes(&[3; 32]);
    let research = keys().public().unwrap();
    let session = if format >= 2 { record_v2() } else { record() };
    let (mut payload, hashes) = Payload::new(vec![], &[session], audit()).unwrap();
    payload.format = format;
    if format >= 2 {
        payload.facts = facts();
    }
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    kohort_batch::seal(
        &header(format, hashes),
        &payload,
        &research,
        &device,
        &mut rng,
    )
    .unwrap()
}

/// Sealing straight from the records (what `kohort export` does) makes,
/// with the same generator, the same file as sealing the payload built
/// from them: here 200 records over several chunks, some text escaped.
#[test]
fn sealing_from_the_records_makes_the_same_file_as_sealing_the_payload() {
    let device = SigningKey::from_bytes(&[3; 32]);
    let research = keys().public().unwrap();
    let records: Vec<SessionRecord> = (0..200)
        .map(|i| {
            let mut r = record_v2();
            r.id = format!("0190f000-0000-7000-8000-{i:012}");
            r.variables.push(Variable {
                instrument: "demo".into(),
                name: "note".into(),
                state: "answered".into(),
                value: Some(AnswerValue::Text(format!("«{i}»\n\"").repeat(300))),
                answered_at: None,
            });
            r
        })
        .collect();
    let (mut payload, hashes) = Payload::new(vec![], &records, audit()).unwrap();
    payload.facts = facts();
    let header = header(kohort_batch::VERSION, hashes);
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let whole = kohort_batch::seal(&header, &payload, &research, &device, &mut rng).unwrap();
    assert!(whole.len() > 2 * kohort_batch::CHUNK);
    let contents = kohort_batch::Contents {
        instruments: &[],
        records: &records,
        audit: &audit(),
        facts: &facts(),
        variables_json: &[],
    };
    let draft = Header {
        record_count: 0,
        record_hashes: Vec::new(),
        ..header.clone()
    };
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let (sealed_header, sealed) =
        kohort_batch::seal_records(draft, contents, &research, &device, &mut rng).unwrap();
    assert_eq!(sealed_header, header);
    assert_eq!(sealed.bytes, whole);
    assert_eq!(sealed.hash, digest::sha256(&whole));
    let v = kohort_batch::verify(&sealed.bytes).unwrap();
    let opened = kohort_batch::open(&v, &keys()).unwrap();
    assert_eq!(opened.records, records);
    assert_eq!(opened.payload.facts, facts());
}

/// The hex between the markers in the document.
fn documented() -> Vec<u8> {
    let doc = include_str!("../../../../docs/batch-format.md");
    let start = doc.find("<!-- vector:begin -->").unwrap();
    let end = doc.find("<!-- vector:end -->").unwrap();
    let hex: String = doc[start..end]
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("```"))
        .flat_map(|l| l.trim().chars())
        .collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_documented_vector_is_reproduced_and_opens() {
    let built = build();
    if std::env::var_os("KOHORT_PRINT_VECTOR").is_some() {
        let hex = hex::encode(&built);
        for chunk in hex.as_bytes().chunks(64) {
            println!("{}", std::str::from_utf8(chunk).unwrap());
        }
        println!("sha256 {}", digest::sha256_hex(&built));
        println!(
            "research fingerprint {}",
            keys().public().unwrap().fingerprint()
        );
    }
    let doc = documented();
    assert_eq!(
        hex::encode(&doc),
        hex::encode(&built),
        "docs/batch-format.md is out of date"
    );
    let v = kohort_batch::verify(&doc).unwrap();
    assert_eq!(v.header.seq, 1);
    assert_eq!(v.header.study_id, "demo");
    let opened = kohort_batch::open(&v, &keys()).unwrap();
    assert_eq!(opened.records, vec![record_v2()]);
    assert_eq!(opened.payload.audit.len(), 1);
    assert_eq!(opened.payload.facts, facts());
}

/// A vector an earlier version of the document showed, checked to be
/// still made byte for byte; its bytes.
fn kept_vector(hex_text: &str, format: u16) -> Vec<u8> {
    let hex: String = hex_text.lines().flat_map(|l| l.trim().chars()).collect();
    assert_eq!(hex, hex::encode(build_as(format)));
    hex::decode(&hex).unwrap()
}

#[test]
fn the_format_1_vector_is_still_made_and_opens_without_facts() {
    let bytes = kept_vector(include_str!("vector_v1.hex"), 1);
    let v = kohort_batch::verify(&bytes).unwrap();
    assert_eq!(v.header.format, 1);
    let opened = kohort_batch::open(&v, &keys()).unwrap();
    assert_eq!(opened.records, vec![record()]);
    assert!(opened.payload.facts.is_empty());
}

#[test]
fn the_format_2_vector_is_still_made_and_opens() {
    let bytes = kept_vector(include_str!("vector_v2.hex"), 2);
    let v = kohort_batch::verify(&bytes).unwrap();
    assert_eq!(v.header.format, 2);
    assert_eq!(v.hash, digest::sha256(&bytes));
    let opened = kohort_batch::open(&v, &keys()).unwrap();
    assert_eq!(opened.records, vec![record_v2()]);
    assert_eq!(opened.payload.facts, facts());
}

#[test]
fn the_format_3_vector_is_still_made_and_opens() {
    let bytes = kept_vector(include_str!("vector_v3.hex"), 3);
    let v = kohort_batch::verify(&bytes).unwrap();
    assert_eq!(v.header.format, 3);
    assert_eq!(v.hash, digest::sha256(&bytes));
    let opened = kohort_batch::open(&v, &keys()).unwrap();
    assert_eq!(opened.records, vec![record_v2()]);
    assert_eq!(opened.payload.facts, facts());
}

/// Formats 3 and 4 sign a digest of the file with a context string; the
/// file hash taken in the same pass is the plain SHA-256 of the file.
#[test]
fn formats_3_and_4_sign_a_digest_and_hash_the_file_in_the_same_pass() {
    for format in [3, 4] {
        signs_a_digest(format);
    }
}

fn signs_a_digest(format: u16) {
    let bytes = build_as(format);
    let v = kohort_batch::verify(&bytes).unwrap();
    assert_eq!(v.header.format, format);
    assert_eq!(v.hash, digest::sha256(&bytes));
    let device = SigningKey::from_bytes(&[3; 32]);
    let signed = &bytes[..bytes.len() - 64];
    let mut message = kohort_batch::SIGNATURE_CONTEXT.to_vec();
    message.extend_from_slice(&digest::sha256(signed));
    let sig = ed25519_dalek::Signer::sign(&device, &message);
    assert_eq!(&bytes[bytes.len() - 64..], &sig.to_bytes()[..]);
    // The same file signed the format 2 way is refused.
    let mut old = signed.to_vec();
    old.extend_from_slice(&ed25519_dalek::Signer::sign(&device, signed).to_bytes());
    assert!(matches!(
        kohort_batch::verify(&old),
        Err(kohort_batch::BatchError::BadSignature)
    ));
}

#[test]
fn a_format_1_batch_cannot_carry_format_2_records() {
    let device = SigningKey::from_bytes(&[3; 32]);
    let research = keys().public().unwrap();
    let (mut payload, hashes) = Payload::new(vec![], &[record()], vec![]).unwrap();
    payload.format = 1;
    payload.facts = facts();
    let v = kohort_batch::verify(&build_as(1))
        .map(|v| v.header)
        .unwrap();
    let header = Header {
        record_hashes: hashes,
        ..v
    };
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let err = kohort_batch::seal(&header, &payload, &research, &device, &mut rng).unwrap_err();
    assert!(err.to_string().contains("format 1"), "{err}");
}
