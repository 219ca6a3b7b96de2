//! What the staff screens asked for, handed to the app core; the page's
//! own state (drafts, the page shown, the data manager's last message)
//! follows what the core did.

use kohort_tablet::sync::Exported;

use super::delivery::DeliveryAction;
use super::{Page, StaffAction, StaffView};
use crate::core::{Core, Result};

/// Where the app goes after a staff action.
pub enum Next {
    Stay,
    /// A questionnaire is open: for the patient, or a clinician form for staff.
    Opened,
    Locked,
}

pub fn act(core: &mut Core, view: &mut StaffView, action: StaffAction) -> Result<Next> {
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
        StaffAction::ChangePassphrase { new, again } => {
            core.change_passphrase(&new, &again)?;
            view.settings.passphrase_changed = true;
            return Ok(Next::Stay);
        }
        StaffAction::Delivery(a) => {
            let retention = matches!(a, DeliveryAction::SetRetention(_));
            view.delivery.message = None;
            view.delivery.message = delivery(core, a)?;
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
fn delivery(core: &mut Core, action: DeliveryAction) -> Result<Option<String>> {
    let nothing = || Some("Every sealed batch is confirmed: nothing to deliver.".to_owned());
    Ok(match action {
        DeliveryAction::Seal => Some(match core.seal()? {
            Exported::Nothing => "No completed session is waiting: nothing sealed.".into(),
            Exported::Batch { seq, sessions, .. } => {
                format!("Sealed batch {seq} with {sessions} session(s) into the outbox.")
            }
        }),
        DeliveryAction::Reseal => {
            let done: Vec<String> = core.reseal()?.iter().map(u64::to_string).collect();
            Some(if done.is_empty() {
                "Every batch file is in the outbox: nothing sealed again.".into()
            } else {
                format!(
                    "Sealed again from the answers on the tablet: batch(es) {}.",
                    done.join(", ")
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
                "The receipt is genuine; it confirms no new batch.".into()
            } else {
                let list: Vec<String> = done.newly.iter().map(u64::to_string).collect();
                format!(
                    "The receipt is genuine: batch(es) {} confirmed.",
                    list.join(", ")
                )
            })
        }
        DeliveryAction::Purge => {
            let r = core.purge()?;
            let mut m = format!(
                "Purged the answers of {} session(s); the sessions stay in the schedule.",
                r.purged.sessions
            );
            if !r.purged.checkpointed || !r.files_left.is_empty() {
                m.push_str(" Some purged bytes may remain until the next purge.");
            }
            Some(m)
        }
        DeliveryAction::SetRetention(days) => {
            core.set_retention(days)?;
            None
        }
    })
}
