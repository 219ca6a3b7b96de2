//! Any bytes as a decrypted payload (what a valid signature and seal would
//! let through): parsing and record checks must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = serde_json::from_slice::<kohort_batch::Payload>(data) {
        let hashes: Vec<String> = p
            .sessions
            .iter()
            .map(|s| kohort_batch::digest::sha256_hex(s.get().as_bytes()))
            .collect();
        let _ = p.records(&hashes);
    }
});
