//! Staff screens: set-up and unlock, today's work, a participant's page
//! with the timeline of every episode, enrolment, settings and the data
//! manager's page. Screens read the app core's [`Clinic`] (loaded when
//! something changes, never per frame) and return a [`StaffAction`];
//! [`actions::act`] hands it to the core.

mod access;
pub mod actions;
pub mod delivery;
mod dialogs;
pub mod enrol;
mod participant;
mod read_aloud;
mod settings;
mod today;

pub use access::{
    RecoveryAsked, RecoveryDraft, SetupDraft, UnlockDraft, recovery_ui, setup_ui, unlock_ui,
};
pub use dialogs::PageDraft;
pub use enrol::{EnrolDraft, enrol_ui};

use crate::ui::theme::STAFF_TOUCH;
use chrono::NaiveDate;
use eframe::egui::{self, Button, RichText, Vec2};
use uuid::Uuid;

use crate::core::{Clinic, Core, Enrolment};
use crate::i18n::Lang;
use crate::ui::lang::staff_lang;
use crate::ui::theme::WARN;
use crate::{t, ts};
use kohort_form::schedule::EndType;
use kohort_form::study::Study;

/// Which page the central panel shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Page {
    #[default]
    Today,
    Participant(Uuid),
    Enrol,
    Settings,
    /// The data manager's page: batches and their delivery.
    Delivery,
}

#[derive(Default)]
pub struct StaffView {
    pub page: Page,
    pub enrolling: EnrolDraft,
    pub search: String,
    /// Half-filled fields of the participant page.
    pub draft: PageDraft,
    pub settings: settings::SettingsDraft,
    pub delivery: delivery::DeliveryView,
}

impl StaffView {
    pub fn show(&mut self, page: Page) {
        if self.page != page {
            self.draft = PageDraft::default();
        }
        self.page = page;
    }
}

/// What staff asked for.
pub enum StaffAction {
    Lock,
    Enrol(Enrolment),
    /// Start a new session of one occurrence of a form: patient forms go to
    /// patient mode, clinician forms open in staff mode.
    Start {
        participant: Uuid,
        episode: Uuid,
        form: String,
        occurrence: u32,
    },
    Resume(Uuid),
    /// "Read everything to me" for a participant, set by the nurse.
    SetReadAloud {
        participant: Uuid,
        on: bool,
    },
    MarkMissed {
        episode: Uuid,
        form: String,
        occurrence: u32,
        code: Option<i64>,
        reason: String,
    },
    SetAnchor {
        episode: Uuid,
        anchor: NaiveDate,
    },
    EndEpisode {
        episode: Uuid,
        end: NaiveDate,
        end_type: EndType,
    },
    NewEpisode {
        participant: Uuid,
        anchor: NaiveDate,
    },
    Withdraw {
        participant: Uuid,
        on: NaiveDate,
    },
    SetIdleLock(u32),
    /// The staff language of this tablet.
    SetLanguage(Lang),
    /// A new staff passphrase, typed twice.
    ChangePassphrase {
        new: zeroize::Zeroizing<String>,
        again: zeroize::Zeroizing<String>,
    },
    Delivery(delivery::DeliveryAction),
}

/// A button whose accessible name says more than its short visible text
/// (several rows have a "Give to patient" button; tests and screen readers
/// need to tell them apart).
pub(crate) fn named_button(ui: &mut egui::Ui, text: &str, name: &str) -> bool {
    let r = ui.add(Button::new(text).min_size(Vec2::new(0.0, STAFF_TOUCH)));
    let name = name.to_owned();
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    r.clicked()
}

pub fn home_ui(
    ui: &mut egui::Ui,
    core: &Core,
    view: &mut StaffView,
    error: Option<&str>,
) -> Option<StaffAction> {
    let study: &Study = core.study();
    let data = core.clinic();
    let load_error = core.load_error().map(ToString::to_string);
    let error = error.or(load_error.as_deref());
    let mut action = None;
    egui::Panel::top("staff_top").show(ui, |ui| {
        ui.horizontal(|ui| {
            let lang = staff_lang(ui.ctx());
            ui.heading("Kohort");
            ui.label(t!(
                lang,
                "home-study-tablet",
                study = study.id.to_uppercase(),
                tablet = &data.device
            ))
            .on_hover_text(study.title.get(lang));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let big = Vec2::new(100.0, STAFF_TOUCH);
                if ui
                    .add(Button::new(t!(lang, "home-lock")).min_size(big))
                    .clicked()
                {
                    action = Some(StaffAction::Lock);
                }
                if ui
                    .add(
                        crate::ui::theme::toggle(
                            view.page == Page::Settings,
                            t!(lang, "home-settings"),
                        )
                        .min_size(big),
                    )
                    .clicked()
                {
                    view.show(Page::Settings);
                }
                if ui
                    .add(
                        crate::ui::theme::toggle(
                            view.page == Page::Delivery,
                            t!(lang, "home-data-manager"),
                        )
                        .min_size(big),
                    )
                    .clicked()
                {
                    view.show(Page::Delivery);
                }
                if ui
                    .add(
                        crate::ui::theme::toggle(view.page == Page::Today, t!(lang, "home-today"))
                            .min_size(big),
                    )
                    .clicked()
                {
                    view.show(Page::Today);
                }
            });
        });
        if data.demo {
            ui.label(RichText::new(ts!(ui, "home-demo")).color(WARN).strong());
        }
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN).strong());
        }
    });
    egui::Panel::left("participants")
        // Exactly this wide: a panel sized by its contents crept wider
        // each frame when a row filled "the rest" of it.
        .exact_size(240.0)
        .resizable(false)
        .show(ui, |ui| participants_ui(ui, data, view));
    egui::CentralPanel::default().show(ui, |ui| {
        // Each page keeps its own place; none inherits another's scroll.
        egui::ScrollArea::vertical()
            .id_salt(("staff_page", view.page))
            .auto_shrink(false)
            .show(ui, |ui| {
                let a = match view.page {
                    Page::Today => today::today_ui(ui, study, data, view),
                    Page::Enrol => enrol_ui(ui, study, &mut view.enrolling).map(StaffAction::Enrol),
                    Page::Settings => {
                        read_aloud::notice_ui(ui, core.speech_problem());
                        settings::settings_ui(ui, data, &mut view.settings)
                    }
                    Page::Delivery => delivery::delivery_ui(
                        ui,
                        core.status(),
                        core.delivery(),
                        core.volumes(),
                        &mut view.delivery,
                    )
                    .map(StaffAction::Delivery),
                    Page::Participant(id) => match data.participant(id) {
                        Some(p) => participant::participant_ui(ui, study, data, p, &mut view.draft),
                        None => {
                            ui.label(ts!(ui, "home-participant-gone"));
                            None
                        }
                    },
                };
                if a.is_some() {
                    action = a;
                }
            });
    });
    action
}

fn participants_ui(ui: &mut egui::Ui, data: &Clinic, view: &mut StaffView) {
    ui.heading(ts!(ui, "home-participants"));
    if ui
        .add(
            crate::ui::theme::toggle(view.page == Page::Enrol, ts!(ui, "home-enrol"))
                .min_size(Vec2::new(220.0, STAFF_TOUCH)),
        )
        .clicked()
    {
        let today = data
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        view.enrolling = EnrolDraft::new(today);
        view.show(Page::Enrol);
    }
    let lang = staff_lang(ui.ctx());
    let look = crate::ui::widgets::FieldLook {
        // What the label and the keyboard button leave of the panel.
        width: 0.0,
        max_chars: 60,
        ..Default::default()
    };
    ui.label(t!(lang, "home-search"));
    crate::ui::widgets::touch_field(
        ui,
        lang,
        &t!(lang, "home-search-field"),
        &mut view.search,
        look,
    );
    let needle = view.search.to_lowercase();
    let shown: Vec<&kohort_tablet::store::Participant> = data
        .participants
        .iter()
        .filter(|p| {
            needle.is_empty() || {
                let label = p.label.as_deref().unwrap_or("");
                format!("{} {}", p.study_code, label)
                    .to_lowercase()
                    .contains(&needle)
            }
        })
        .collect();
    // Only the buttons in sight are laid out (a clinic has hundreds). Each
    // row is one fixed height, tall enough for a code and a label on two
    // lines.
    let height = STAFF_TOUCH + 14.0;
    let row = height + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical().show_rows(ui, row, shown.len(), |ui, range| {
        for p in &shown[range] {
            let label = p.label.as_deref().unwrap_or("");
            let text = if label.is_empty() {
                p.study_code.clone()
            } else {
                format!("{} · {label}", p.study_code)
            };
            let selected = view.page == Page::Participant(p.id);
            let b = crate::ui::theme::toggle(selected, text)
                .min_size(Vec2::new(ui.available_width(), height));
            let (rect, _) = ui.allocate_exact_size(
                Vec2::new(ui.available_width(), height),
                egui::Sense::hover(),
            );
            if ui.put(rect, b).clicked() {
                view.show(Page::Participant(p.id));
            }
        }
    });
}
