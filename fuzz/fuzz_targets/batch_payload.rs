//! Any bytes as a decrypted payload (what a valid signature and seal would
//! let through): parsing and record checks must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = serde_json::from_slice::<kohort::batch::Payload>(data) {
        let hashes: Vec<String> = p
            .sessions
            .iter()
            .map(|s| kohort::batch::hexs::encode(&kohort::batch::hexs::sha256(s.get().as_bytes())))
            .collect();
        let _ = p.records(&hashes);
    }
});
