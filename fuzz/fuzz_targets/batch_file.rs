//! Any bytes as a batch file: framing, caps, header and signature checks
//! must refuse without panicking or allocating more than the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = kohort_batch::verify(data) {
        let keys = kohort_batch::ResearchKeys::from_secrets("demo", [1; 32], [2; 32]);
        let _ = kohort_batch::open(&v, &keys);
    }
});
