//! Arbitrary sessions survive seal → verify → open unchanged, sealing
//! them straight from the records makes the same file, and any single
//! flipped bit in the sealed file is caught.

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use rand_chacha09::ChaCha20Rng;
use rand_chacha09::rand_core::SeedableRng;

use kohort_batch::{
    self, ConsentFacts, EpisodeFacts, Header, NO_PREVIOUS, ParticipantFacts, Payload, Pinned,
    ResearchKeys, SessionRecord, Variable,
};
use kohort_form::AnswerValue;

fn value() -> impl Strategy<Value = AnswerValue> {
    prop_oneof![
        any::<i64>().prop_map(AnswerValue::Code),
        prop::collection::vec(any::<i64>(), 0..5).prop_map(AnswerValue::Codes),
        any::<i64>().prop_map(AnswerValue::Int),
        (-1e12f64..1e12).prop_map(AnswerValue::Decimal),
        ".{0,40}".prop_map(AnswerValue::Text),
        (0i64..100_000).prop_map(|d| AnswerValue::Date(
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(d as u64)
        )),
    ]
}

fn variable() -> impl Strategy<Value = Variable> {
    (
        "[a-z_]{1,12}",
        "[a-z]{1,8}",
        prop::option::of(value()),
        prop::option::of(".{0,30}"),
    )
        .prop_map(|(name, instrument, value, answered_at)| Variable {
            instrument,
            state: if value.is_some() {
                "answered"
            } else {
                "declined"
            }
            .into(),
            name,
            value,
            answered_at,
        })
}

fn record() -> impl Strategy<Value = SessionRecord> {
    (
        ".{1,20}",
        ".{0,20}",
        prop::collection::vec(variable(), 0..20),
        any::<bool>(),
        prop::option::of("[0-9-]{10}"),
    )
        .prop_map(|(id, code, variables, flag, end)| SessionRecord {
            id,
            form_id: "f".into(),
            respondent: "patient".into(),
            started_at: "s".into(),
            completed_at: None,
            participant: ParticipantFacts {
                id: "p".into(),
                study_code: code,
                site: "OSL".into(),
                consent: flag.then(|| ConsentFacts {
                    date: "2025-01-01".into(),
                    version: "1".into(),
                    contact_interview: flag,
                    contact_relatives: !flag,
                    withdrawn_at: end.clone(),
                }),
            },
            episode: EpisodeFacts {
                id: "e".into(),
                anchor_date: "2025-01-01".into(),
                end_date: end,
                end_type: None,
            },
            instruments: vec![Pinned {
                id: "i".into(),
                version: "1.0.0".into(),
                hash: "h".into(),
            }],
            variables,
            occurrence: flag.then_some(2),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sessions_round_trip_and_bit_flips_are_caught(
        records in prop::collection::vec(record(), 0..6),
        seed in any::<u64>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let keys = ResearchKeys::from_secrets("s", [5; 32], [6; 32]);
        let research = keys.public().unwrap();
        let device = SigningKey::from_bytes(&[seed as u8; 32]);
        let (payload, hashes) = Payload::new(vec![], &records, vec![]).unwrap();
        let header = Header {
            format: kohort_batch::VERSION,
            study_id: "s".into(),
            device_id: "0190f000-0000-7000-8000-0000000000d1".into(),
            device_key: hex::encode(device.verifying_key().to_bytes()),
            seq: 1 + seed % 1000,
            prev_hash: NO_PREVIOUS.into(),
            created_at: "now".into(),
            research_key: research.fingerprint(),
            record_count: hashes.len() as u64,
            record_hashes: hashes,
            demo: false,
            epoch: None,
        };
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let bytes = kohort_batch::seal(&header, &payload, &research, &device, &mut rng).unwrap();
        let v = kohort_batch::verify(&bytes).unwrap();
        prop_assert_eq!(&v.header, &header);
        let opened = kohort_batch::open(&v, &keys).unwrap();
        prop_assert_eq!(&opened.records, &records);
        // What export does (its own JSON writer, chunks filled in place)
        // gives the same bytes with the same generator.
        let contents = kohort_batch::Contents {
            instruments: &[],
            records: &records,
            audit: &[],
            facts: &Default::default(),
            variables_json: &[],
        };
        let draft = Header { record_count: 0, record_hashes: Vec::new(), ..header.clone() };
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let (h, sealed) =
            kohort_batch::seal_records(draft, contents, &research, &device, &mut rng).unwrap();
        prop_assert_eq!(&h, &header);
        prop_assert_eq!(&sealed.bytes, &bytes);

        let mut bad = bytes.clone();
        let i = flip.index(bad.len());
        bad[i] ^= 1 << (seed % 8);
        prop_assert!(kohort_batch::verify(&bad).and_then(|v| kohort_batch::open(&v, &keys)).is_err());
    }
}
