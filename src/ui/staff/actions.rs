//! What the staff screens asked for, handed to the app core; the page's
//! own state (drafts, the page shown, the data manager's last message)
//! follows what the core did.

use kohort_tablet::sync::Exported;

use super::delivery::DeliveryAction;
use super::{Page, StaffAction, StaffView};
use crate::core::{Core, Result};
use crate::i18n::Lang;
use crate::t;

/// Where the app goes after a staff action.
pub enum Next {
    Stay,
    /// A questionnaire is open: for the patient, or a clinician form for staff.
    Opened,
    Locked,
}

/// Carries out `action`; what is told back is in `lang`.
pub fn act(core: &mut Core, view: &mut StaffView, action: StaffAction, lang: Lang) -> Result<Next> {
    match action {
        StaffAction::Lock => {
            core.lock();
            return Ok(Next::Locked);
        }
        StaffAction::Enrol(e) => {
            let participant = core.enrol(&e)?;
            view.show(Page::Participant(participant));
        }
        StaffAction::Start {
            participant,
            episode,
            form,
            occurrence,
        } => {
            core.start(participant, episode, &form, occurrence)?;
            return Ok(Next::Opened);
        }
        StaffAction::Resume(session) => {
            core.resume(session)?;
            return Ok(Next::Opened);
        }
        StaffAction::MarkMissed {
            episode,
            form,
            occurrence,
            code,
            reason,
        } => core.mark_missed(episode, &form, occurrence, code, &reason)?,
        StaffAction::SetAnchor { episode, anchor } => core.set_anchor(episode, anchor)?,
        StaffAction::EndEpisode {
            episode,
            end,
            end_type,
        } => core.end_episode(episode, end, end_type)?,
        StaffAction::NewEpisode {
            participant,
            anchor,
        } => drop(core.new_episode(participant, anchor)?),
        StaffAction::Withdraw { participant, on } => core.withdraw(participant, on)?,
        StaffAction::SetIdleLock(minutes) => core.set_idle_lock(minutes)?,
        StaffAction::SetLanguage(l) => core.set_staff_language(l)?,
        StaffAction::SetReadAloud { participant, on } => {
            core.set_participant_read_all(participant, on)?;
        }
        StaffAction::ChangePassphrase { new, again } => {
            core.change_passphrase(&new, &again)?;
            view.settings.passphrase_changed = true;
            return Ok(Next::Stay);
        }
        StaffAction::Delivery(a) => {
            let retention = matches!(a, DeliveryAction::SetRetention(_));
            view.delivery.message = None;
            view.delivery.message = delivery(core, a, lang)?;
            if retention {
                view.delivery.retention.clear();
            }
            return Ok(Next::Stay);
        }
    }
    view.draft = Default::default();
    Ok(Next::Stay)
}

/// A data-manager action; returns what to tell the data manager.
fn delivery(core: &mut Core, action: DeliveryAction, lang: Lang) -> Result<Option<String>> {
    let nothing = || Some(t!(lang, "deliver-nothing"));
    Ok(match action {
        DeliveryAction::Seal => Some(match core.seal()? {
            Exported::Nothing => t!(lang, "seal-nothing"),
            Exported::Batch { seq, sessions, .. } => {
                t!(lang, "seal-done", seq = seq, sessions = sessions)
            }
        }),
        DeliveryAction::Reseal => {
            let done: Vec<String> = core.reseal()?.iter().map(u64::to_string).collect();
            Some(if done.is_empty() {
                t!(lang, "reseal-nothing")
            } else {
                t!(
                    lang,
                    "reseal-done",
                    count = done.len(),
                    batches = done.join(", ")
                )
            })
        }
        DeliveryAction::ToFolder(dir) => {
            if core.deliver_to_folder(dir)? {
                None
            } else {
                nothing()
            }
        }
        DeliveryAction::Upload(request) => {
            if core.upload(&request)? {
                None
            } else {
                nothing()
            }
        }
        DeliveryAction::Cancel => {
            core.cancel_delivery();
            None
        }
        DeliveryAction::ApplyReceipt(path) => {
            let done = core.apply_receipt(&path)?;
            Some(if done.newly.is_empty() {
                t!(lang, "receipt-nothing-new")
            } else {
                let list: Vec<String> = done.newly.iter().map(u64::to_string).collect();
                t!(
                    lang,
                    "receipt-confirmed",
                    count = list.len(),
                    batches = list.join(", ")
                )
            })
        }
        DeliveryAction::Purge => {
            let r = core.purge()?;
            let mut m = t!(lang, "purge-done", sessions = r.purged.sessions);
            if !r.purged.checkpointed || !r.files_left.is_empty() {
                m.push(' ');
                m.push_str(&t!(lang, "purge-remains"));
            }
            Some(m)
        }
        DeliveryAction::SetRetention(days) => {
            core.set_retention(days)?;
            None
        }
    })
}
