//! What went wrong, said on screen in the staff's language. The common
//! cases a person can act on have their own words; anything else gets the
//! words for its kind (`CoreError::kind`) and the technical detail after
//! them, for whoever supports the tablet.

use kohort_tablet::store::StoreError;

use crate::core::{CoreError, ErrorKind};
use crate::i18n::Lang;
use crate::t;
use crate::ui::staff::enrol::problem_text;

pub fn error_text(lang: Lang, e: &CoreError) -> String {
    let store = match e {
        CoreError::Store(s) => Some(s),
        _ => None,
    };
    match (e, store) {
        (_, Some(StoreError::WrongPassphrase { retry_after })) if retry_after.is_zero() => {
            t!(lang, "unlock-wrong")
        }
        (_, Some(StoreError::WrongPassphrase { retry_after }))
        | (_, Some(StoreError::TooSoon(retry_after))) => {
            t!(
                lang,
                "unlock-wrong-wait",
                seconds = retry_after.as_secs().max(1)
            )
        }
        (_, Some(StoreError::WrongRecoveryKey)) => t!(lang, "error-wrong-recovery"),
        (_, Some(StoreError::MalformedRecoveryKey(_))) => t!(lang, "error-malformed-recovery"),
        (_, Some(StoreError::WeakPassphrase)) => t!(lang, "error-weak-passphrase"),
        (_, Some(StoreError::DuplicateStudyCode(code))) => {
            t!(lang, "error-duplicate-code", code = code)
        }
        (CoreError::Enrolment(p), _) => problem_text(lang, p),
        (CoreError::PassphrasesDiffer, _) => t!(lang, "setup-differ"),
        (CoreError::Busy, _) => t!(lang, "error-busy"),
        _ => {
            let head = match e.kind() {
                ErrorKind::WrongCredentials => t!(lang, "error-kind-credentials"),
                ErrorKind::TooSoon => t!(lang, "error-kind-too-soon"),
                ErrorKind::DiskFull => t!(lang, "error-kind-disk-full"),
                ErrorKind::Tampered => t!(lang, "error-kind-tampered"),
                ErrorKind::Refused => t!(lang, "error-kind-refused"),
                ErrorKind::Invalid => t!(lang, "error-kind-invalid"),
                ErrorKind::Locked => t!(lang, "error-kind-locked"),
                ErrorKind::Unavailable => t!(lang, "error-kind-unavailable"),
                ErrorKind::Other => t!(lang, "error-kind-other"),
            };
            t!(
                lang,
                "error-with-detail",
                what = head,
                detail = e.to_string()
            )
        }
    }
}
