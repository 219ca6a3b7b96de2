//! The shipped forms match `forms/codes.lock.json`: no locked variable is
//! removed or retyped, no locked code is taken away, and nothing is left
//! unlocked.

use kohort_form::lock::{LOCK_FILE, Lock};
use kohort_form::study::load_study;

#[test]
fn shipped_forms_match_the_codes_lock() {
    let dir = crate::repo_root().join("forms");
    let (study, _) = load_study(&dir).unwrap_or_else(|e| panic!("{e}: {:#?}", e.0));
    let current = Lock::of(study.instruments.iter().map(|i| &**i));
    let path = dir.join(LOCK_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `kohort forms lock`", path.display()));
    let locked = Lock::parse(&path.display().to_string(), &text).expect("a valid lock");
    let changes = locked.compare(&current);
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.is_breaking())
        .map(ToString::to_string)
        .collect();
    assert!(
        breaking.is_empty(),
        "the forms break the codes lock:\n{}",
        breaking.join("\n")
    );
    let unlocked: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(
        unlocked.is_empty(),
        "new variables or codes are not locked yet: run `cargo run -- forms lock`\n{}",
        unlocked.join("\n")
    );
}
