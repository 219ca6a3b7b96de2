//! The follow-up schedule of the HAB study in `forms/`: dates, windows and
//! states a research nurse sees, and the printed `kohort schedule` table.

use chrono::NaiveDate;
use kohort_form::schedule::{
    EpisodeDates, Fact, Happened, Kind, Row, ScheduleError, State, due_today, schedule, upcoming,
};
use kohort_form::study::{Study, load_study};

fn study() -> Study {
    load_study(&crate::repo_root().join("forms")).unwrap().0
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ep(anchor: NaiveDate, end: Option<NaiveDate>) -> EpisodeDates {
    EpisodeDates { anchor, end }
}

fn rows(anchor: NaiveDate, end: Option<NaiveDate>, today: NaiveDate, facts: &[Fact]) -> Vec<Row> {
    schedule(&study(), ep(anchor, end), today, facts).unwrap()
}

/// The only row of a form that occurs once.
fn one<'a>(rows: &'a [Row], form: &str) -> &'a Row {
    let found: Vec<&Row> = rows.iter().filter(|r| r.form == form).collect();
    assert_eq!(found.len(), 1, "rows of {form}: {found:#?}");
    found[0]
}

fn nth<'a>(rows: &'a [Row], form: &str, n: u32) -> &'a Row {
    rows.iter()
        .find(|r| r.form == form && r.occurrence == Some(n))
        .unwrap_or_else(|| panic!("no occurrence {n} of {form}"))
}

fn fact(form: &str, occurrence: u32, happened: Happened) -> Fact {
    Fact {
        form: form.into(),
        occurrence,
        happened,
    }
}

#[test]
fn month_offsets_clamp_to_the_end_of_the_month() {
    let r = rows(d(2023, 1, 31), None, d(2023, 1, 31), &[]);
    assert_eq!(one(&r, "m03").target, Some(d(2023, 4, 30)));
    assert_eq!(one(&r, "m06").target, Some(d(2023, 7, 31)));
    // Medication starts 1 month after the anchor: 28 February in 2023 …
    assert_eq!(nth(&r, "medication", 0).target, Some(d(2023, 2, 28)));
    // … 29 February in a leap year.
    let leap = rows(d(2024, 1, 31), None, d(2024, 1, 31), &[]);
    assert_eq!(nth(&leap, "medication", 0).target, Some(d(2024, 2, 29)));
    assert_eq!(one(&leap, "m03").target, Some(d(2024, 4, 30)));
    // Windows are counted from the clamped target.
    let m03 = one(&leap, "m03");
    assert_eq!(
        (m03.opens, m03.closes),
        (Some(d(2024, 4, 16)), Some(d(2024, 5, 30)))
    );
}

#[test]
fn anchor_on_29_february() {
    let r = rows(d(2024, 2, 29), None, d(2024, 2, 29), &[]);
    assert_eq!(one(&r, "baseline").target, Some(d(2024, 2, 29)));
    assert_eq!(one(&r, "m12").target, Some(d(2025, 2, 28)));
    assert_eq!(one(&r, "m24").target, Some(d(2026, 2, 28)));
    assert_eq!(one(&r, "m48").target, Some(d(2028, 2, 29)));
    // 48 months: window 30 days before and 60 after, across a leap day.
    let m48 = one(&r, "m48");
    assert_eq!(
        (m48.opens, m48.closes),
        (Some(d(2028, 1, 30)), Some(d(2028, 4, 29)))
    );
}

#[test]
fn states_follow_the_window_of_the_day() {
    let anchor = d(2025, 3, 10);
    let at = |today| rows(anchor, None, today, &[]);
    // Baseline window: 3 March – 9 April.
    assert_eq!(one(&at(d(2025, 3, 2)), "baseline").state, State::Upcoming);
    assert_eq!(one(&at(d(2025, 3, 3)), "baseline").state, State::Open);
    assert_eq!(one(&at(d(2025, 4, 9)), "baseline").state, State::Open);
    assert_eq!(
        one(&at(d(2025, 4, 10)), "baseline").state,
        State::Late { days_late: 1 }
    );
    // The 3-month timepoint: target 10 June, window 27 May – 10 July.
    let m03 = one(&at(d(2025, 4, 10)), "m03").clone();
    assert_eq!(m03.state, State::Upcoming);
    assert_eq!(m03.target, Some(d(2025, 6, 10)));
    assert_eq!(
        (m03.opens, m03.closes),
        (Some(d(2025, 5, 27)), Some(d(2025, 7, 10)))
    );
}

#[test]
fn late_baseline_completed_or_not() {
    let anchor = d(2025, 1, 6);
    let today = d(2025, 2, 20);
    // Completed 40 days after the anchor, past its 30-day window.
    let done = [fact(
        "baseline",
        0,
        Happened::Completed { on: d(2025, 2, 15) },
    )];
    let r = rows(anchor, None, today, &done);
    assert_eq!(
        one(&r, "baseline").state,
        State::Completed {
            on: d(2025, 2, 15),
            deviation_days: Some(40)
        }
    );
    // Not completed: late, counted from the window's last day (5 Feb).
    let r = rows(anchor, None, today, &[]);
    assert_eq!(one(&r, "baseline").state, State::Late { days_late: 15 });
    // An abandoned session leaves it late; a paused one shows how far it
    // got, and stays late.
    let abandoned = [fact(
        "baseline",
        0,
        Happened::Abandoned { on: d(2025, 2, 1) },
    )];
    let r = rows(anchor, None, today, &abandoned);
    assert_eq!(one(&r, "baseline").state, State::Late { days_late: 15 });
    let mut paused = abandoned.to_vec();
    paused.push(fact(
        "baseline",
        0,
        Happened::Paused {
            started: d(2025, 2, 18),
            progress: Some(0.4),
        },
    ));
    let r = rows(anchor, None, today, &paused);
    assert_eq!(
        one(&r, "baseline").state,
        State::Paused {
            progress: Some(0.4),
            days_late: Some(15)
        }
    );
    assert_eq!(
        one(&r, "baseline").state.label(kohort_form::Lang::En),
        "paused (40 %), late 15 d"
    );
}

#[test]
fn missed_with_a_reason() {
    let facts = [fact(
        "m03",
        0,
        Happened::Missed {
            code: Some(3),
            reason: "in prison".into(),
        },
    )];
    let r = rows(d(2025, 1, 6), None, d(2025, 6, 1), &facts);
    assert_eq!(
        one(&r, "m03").state,
        State::Missed {
            code: Some(3),
            reason: "in prison".into()
        }
    );
    assert_eq!(
        one(&r, "m03").state.label(kohort_form::Lang::En),
        "missed: in prison"
    );
    // A completed questionnaire outweighs a note that it was missed.
    let mut both = facts.to_vec();
    both.push(fact("m03", 0, Happened::Completed { on: d(2025, 5, 1) }));
    let r = rows(d(2025, 1, 6), None, d(2025, 6, 1), &both);
    assert!(matches!(one(&r, "m03").state, State::Completed { .. }));
}

#[test]
fn an_episode_end_cuts_the_schedule() {
    // Anchor 6 Jan; 3 months = 6 April, window 23 March – 6 May; 6 months
    // opens 22 June. Treatment ends 20 April, inside the 3-month window.
    let anchor = d(2025, 1, 6);
    let end = Some(d(2025, 4, 20));
    let done = [fact("baseline", 0, Happened::Completed { on: anchor })];

    // Before the end the straddling window is open, but only up to the end.
    let r = rows(anchor, end, d(2025, 4, 20), &done);
    let m03 = one(&r, "m03");
    assert_eq!(m03.state, State::Open);
    assert_eq!(
        (m03.opens, m03.closes),
        (Some(d(2025, 3, 23)), Some(d(2025, 4, 20)))
    );
    // Later windows open after the end: not applicable, dates kept.
    for form in ["m06", "m12", "m24", "m36", "m48"] {
        assert_eq!(one(&r, form).state, State::NotApplicable, "{form}");
    }
    assert_eq!(one(&r, "m06").closes, Some(d(2025, 8, 5)));

    // The day after the end nothing of the protocol is collectable any more.
    let r = rows(anchor, end, d(2025, 4, 21), &done);
    assert_eq!(one(&r, "m03").state, State::Closed);
    assert!(matches!(one(&r, "baseline").state, State::Completed { .. }));
    assert_eq!(one(&r, "m06").state, State::NotApplicable);

    // A window opening on the end day itself is still collectable that day.
    let r = rows(anchor, Some(d(2025, 3, 23)), d(2025, 3, 23), &done);
    assert_eq!(one(&r, "m03").state, State::Open);
    let r = rows(anchor, Some(d(2025, 3, 22)), d(2025, 3, 22), &done);
    assert_eq!(one(&r, "m03").state, State::NotApplicable);
}

#[test]
fn end_of_treatment_forms_are_due_after_an_end() {
    let anchor = d(2025, 1, 6);
    let without = rows(anchor, None, d(2025, 5, 1), &[]);
    assert!(without.iter().all(|r| !r.form.starts_with("end_")));

    let end = d(2025, 4, 20);
    let r = rows(anchor, Some(end), d(2025, 9, 1), &[]);
    for form in ["end_patient", "end_clinician"] {
        let row = one(&r, form);
        assert_eq!(row.target, Some(end), "{form}");
        assert_eq!((row.opens, row.closes), (Some(end), None), "{form}");
        // No window in the protocol: open until done, never late or closed.
        assert_eq!(row.state, State::Open, "{form}");
    }
    let due: Vec<&str> = due_today(&r).map(|r| r.form.as_str()).collect();
    assert_eq!(due, ["end_patient", "end_clinician"]);

    let facts = [fact(
        "end_patient",
        0,
        Happened::Completed { on: d(2025, 4, 30) },
    )];
    let r = rows(anchor, Some(end), d(2025, 9, 1), &facts);
    assert_eq!(
        one(&r, "end_patient").state,
        State::Completed {
            on: d(2025, 4, 30),
            deviation_days: Some(10)
        }
    );
}

#[test]
fn medication_recurs_at_1_4_7_months_up_to_today_and_the_next() {
    let anchor = d(2024, 1, 31);
    let facts = [fact(
        "medication",
        0,
        Happened::Completed { on: d(2024, 3, 1) },
    )];
    let r = rows(anchor, None, d(2024, 8, 20), &facts);
    let meds: Vec<&Row> = r.iter().filter(|r| r.kind == Kind::Recurring).collect();
    let targets: Vec<_> = meds.iter().map(|r| r.target).collect();
    // Counted from the anchor each time: month ends do not drift to the 29th.
    assert_eq!(
        targets,
        [
            Some(d(2024, 2, 29)),
            Some(d(2024, 5, 31)),
            Some(d(2024, 8, 31)),
            Some(d(2024, 11, 30))
        ]
    );
    let states: Vec<&State> = meds.iter().map(|r| &r.state).collect();
    assert_eq!(
        states,
        [
            &State::Completed {
                on: d(2024, 3, 1),
                deviation_days: Some(1)
            },
            &State::Late { days_late: 51 },
            &State::Open,
            &State::Upcoming,
        ]
    );
    assert_eq!(
        meds[1].title(kohort_form::Lang::En),
        "Medication registration 2"
    );

    // After an end, occurrences opening later are not listed at all.
    let r = rows(anchor, Some(d(2024, 5, 10)), d(2024, 8, 20), &[]);
    let n = r.iter().filter(|r| r.kind == Kind::Recurring).count();
    assert_eq!(n, 1);
}

#[test]
fn adverse_events_can_be_started_again_and_again() {
    let facts = [
        fact(
            "adverse_event",
            0,
            Happened::Completed { on: d(2025, 2, 1) },
        ),
        fact(
            "adverse_event",
            1,
            Happened::InProgress {
                started: d(2025, 3, 1),
                progress: None,
            },
        ),
    ];
    let r = rows(d(2025, 1, 6), None, d(2025, 3, 1), &facts);
    let ae: Vec<(Option<u32>, &State)> = r
        .iter()
        .filter(|r| r.form == "adverse_event")
        .map(|r| (r.occurrence, &r.state))
        .collect();
    assert_eq!(
        ae,
        [
            (
                Some(0),
                &State::Completed {
                    on: d(2025, 2, 1),
                    deviation_days: None
                }
            ),
            (
                Some(1),
                &State::InProgress {
                    progress: None,
                    days_late: None
                }
            ),
            (None, &State::Available),
        ]
    );
    // Manual forms come after everything with a date.
    assert_eq!(r.last().unwrap().state, State::Available);
}

#[test]
fn a_second_episode_has_its_own_schedule() {
    let first = ep(d(2023, 1, 10), Some(d(2023, 8, 1)));
    let first_facts = [fact(
        "baseline",
        0,
        Happened::Completed { on: d(2023, 1, 10) },
    )];
    let today = d(2025, 3, 1);
    let study = study();
    let old = schedule(&study, first, today, &first_facts).unwrap();
    assert!(matches!(
        one(&old, "baseline").state,
        State::Completed { .. }
    ));
    assert_eq!(one(&old, "m12").state, State::NotApplicable);

    // The patient returns: a new anchor, nothing collected yet.
    let second = schedule(&study, ep(d(2025, 2, 20), None), today, &[]).unwrap();
    assert_eq!(one(&second, "baseline").target, Some(d(2025, 2, 20)));
    assert_eq!(one(&second, "baseline").state, State::Open);
    assert_eq!(one(&second, "m12").target, Some(d(2026, 2, 20)));
    assert_eq!(one(&second, "m12").state, State::Upcoming);
    assert!(second.iter().all(|r| !r.form.starts_with("end_")));
}

#[test]
fn an_end_before_the_anchor_is_refused() {
    let err = schedule(
        &study(),
        ep(d(2025, 3, 1), Some(d(2025, 2, 1))),
        d(2025, 3, 1),
        &[],
    );
    assert_eq!(
        err,
        Err(ScheduleError::EndBeforeAnchor {
            anchor: d(2025, 3, 1),
            end: d(2025, 2, 1)
        })
    );
}

#[test]
fn due_today_puts_started_work_first_then_late_then_open() {
    let anchor = d(2024, 1, 31);
    let facts = [fact(
        "m06",
        0,
        Happened::Paused {
            started: d(2024, 8, 1),
            progress: Some(0.5),
        },
    )];
    // 20 Aug 2024: m06 paused; baseline 172 days late, medication 1 143,
    // m03 82, medication 2 51; medication 3 open.
    let r = rows(anchor, None, d(2024, 8, 20), &facts);
    let due: Vec<String> = due_today(&r)
        .map(|r| r.title(kohort_form::Lang::En))
        .collect();
    assert_eq!(
        due,
        [
            "6 months",
            "Baseline",
            "Medication registration 1",
            "3 months",
            "Medication registration 2",
            "Medication registration 3"
        ]
    );
    let next: Vec<&str> = upcoming(&r).map(|r| r.form.as_str()).take(2).collect();
    assert_eq!(next, ["medication", "m12"]);
}
