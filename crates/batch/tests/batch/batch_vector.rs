//! The test vector in `docs/batch-format.md`: a fixed small batch made with
//! fixed keys and a seeded generator. This test rebuilds it byte for byte
//! and parses and opens the copy in the document, so the document and the
//! code cannot drift apart. `KOHORT_PRINT_VECTOR=1` prints the hex.

use ed25519_dalek::SigningKey;
use rand_chacha09::ChaCha20Rng;
use rand_chacha09::rand_core::SeedableRng;

use kohort_batch::{
    self, AuditRecord, ConsentFacts, EpisodeFacts, Header, NO_PREVIOUS, ParticipantFacts, Payload,
    Pinned, ResearchKeys, SessionRecord, Variable, digest,
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
    }
}

fn keys() -> ResearchKeys {
    ResearchKeys::from_secrets("demo", [1; 32], [2; 32])
}

fn build() -> Vec<u8> {
    let device = SigningKey::from_bytes(&[3; 32]);
    let research = keys().public().unwrap();
    let audit = vec![AuditRecord {
        seq: 1,
        at: "2025-03-01T09:00:00.000Z".into(),
        actor: "staff".into(),
        action: "store_created".into(),
        subject: "device=0190f000-0000-7000-8000-0000000000d1".into(),
        prev_hash: NO_PREVIOUS.into(),
        hash: "11".repeat(32),
    }];
    let (payload, hashes) = Payload::new(vec![], &[record()], audit).unwrap();
    let header = Header {
        format: 1,
        study_id: "demo".into(),
        device_id: "0190f000-0000-7000-8000-0000000000d1".into(),
        device_key: hex::encode(device.verifying_key().to_bytes()),
        seq: 1,
        prev_hash: NO_PREVIOUS.into(),
        created_at: "2025-03-02T08:00:00.000Z".into(),
        research_key: research.fingerprint(),
        record_count: 1,
        record_hashes: hashes,
        demo: false,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    kohort_batch::seal(&header, &payload, &research, &device, &mut rng).unwrap()
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
    assert_eq!(opened.records, vec![record()]);
    assert_eq!(opened.payload.audit.len(), 1);
}
