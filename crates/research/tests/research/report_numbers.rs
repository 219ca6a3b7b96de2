//! Every number of every table of the study report, for the cohort of
//! `report_cohort.rs`, worked out by hand from its answers and dates.
//!
//! Months from an anchor are calendar months plus the share of the next
//! month: 2024-01-10 → 2024-01-20 is 10/31 (10 Jan to 10 Feb has 31 days).
//! The six participants with two or more measurements (P6 and P7 have one
//! baseline each) have their first and last measurement at:
//! P1 10/31 and 12; P2 0 and 12 + 19/28; P3 5/31 and 3; P4 4/30 and 3;
//! P5 5/31 and 6 + 5/30 (its m12 is after the as-of day); P8 4/30 and
//! 18 + 1/31 (months from its first episode's anchor).

use crate::report_check::{FIRST, LAST, cells, close, find, mean};
use crate::report_cohort::{self, Cohort, rows};

#[test]
fn every_number_of_every_table_is_the_one_worked_out_by_hand() {
    let c = report_cohort::build();
    let out = c.report("report", &Cohort::options(false));

    // Enrolment: P9's episode starts after the as-of day; P8 has two.
    let e = rows(&out, "enrolment.csv");
    let got: Vec<Vec<&str>> = e
        .iter()
        .map(|r| {
            ["site", "participants", "episodes", "withdrawn"]
                .map(|k| r[k].as_str())
                .to_vec()
        })
        .collect();
    assert_eq!(
        got,
        [
            ["", "8", "9", "1"],
            ["OSL", "5", "6", "0"],
            ["BGO", "3", "3", "1"]
        ]
    );

    // Flow, per episode, from the schedule as it stood on 2025-06-30.
    let flow = rows(&out, "flow.csv");
    assert_eq!(flow.len(), 3 * 7);
    let cols = [
        "episodes",
        "done",
        "missed",
        "due",
        "overdue",
        "not_collected",
        "not_yet_due",
        "not_applicable",
        "withdrawn",
    ];
    fn later<'a>(n: &'a str, nyd: &'a str, na: &'a str, w: &'a str) -> [&'a str; 9] {
        [n, "0", "0", "0", "0", "0", nyd, na, w]
    }
    let want: [(&str, &str, [&str; 9], Option<f64>); 21] = [
        (
            "",
            "baseline",
            ["9", "9", "0", "0", "0", "0", "0", "0", "0"],
            Some(mean(&[
                10. / 31.,
                0.,
                5. / 31.,
                4. / 30.,
                5. / 31.,
                0.,
                2. / 31.,
                4. / 30.,
                2. / 30.,
            ])),
        ),
        // Done P1 P3 P4 P8(1); missed P2; overdue P5 P8(2); P6 died before collecting; P7 not yet.
        (
            "",
            "m03",
            ["9", "4", "1", "0", "2", "1", "1", "0", "0"],
            Some(mean(&[3. + 5. / 30., 3., 3., 3.])),
        ),
        // Done P1 P2 P5 P8(2); not collected P6 and P8(1) (their windows straddle the end);
        // P3 ended before the window opened; P4 withdrew.
        (
            "",
            "m06",
            ["9", "4", "0", "0", "0", "2", "1", "1", "1"],
            Some(mean(&[6., 6. + 14. / 31., 6. + 5. / 30., 6. + 1. / 31.])),
        ),
        // P5's m12 was completed after the as-of day: due, as is P8(2)'s.
        (
            "",
            "m12",
            ["9", "2", "0", "2", "0", "0", "1", "3", "1"],
            Some(mean(&[12., 12. + 19. / 28.])),
        ),
        ("", "m24", later("9", "4", "4", "1"), None),
        ("", "m36", later("9", "4", "4", "1"), None),
        ("", "m48", later("9", "4", "4", "1"), None),
        (
            "OSL",
            "baseline",
            ["6", "6", "0", "0", "0", "0", "0", "0", "0"],
            Some(mean(&[
                10. / 31.,
                0.,
                5. / 31.,
                2. / 31.,
                4. / 30.,
                2. / 30.,
            ])),
        ),
        (
            "OSL",
            "m03",
            ["6", "3", "1", "0", "1", "0", "1", "0", "0"],
            Some(mean(&[3. + 5. / 30., 3., 3.])),
        ),
        (
            "OSL",
            "m06",
            ["6", "3", "0", "0", "0", "1", "1", "1", "0"],
            Some(mean(&[6., 6. + 14. / 31., 6. + 1. / 31.])),
        ),
        (
            "OSL",
            "m12",
            ["6", "2", "0", "1", "0", "0", "1", "2", "0"],
            Some(mean(&[12., 12. + 19. / 28.])),
        ),
        ("OSL", "m24", later("6", "3", "3", "0"), None),
        ("OSL", "m36", later("6", "3", "3", "0"), None),
        ("OSL", "m48", later("6", "3", "3", "0"), None),
        (
            "BGO",
            "baseline",
            ["3", "3", "0", "0", "0", "0", "0", "0", "0"],
            Some(mean(&[4. / 30., 5. / 31., 0.])),
        ),
        (
            "BGO",
            "m03",
            ["3", "1", "0", "0", "1", "1", "0", "0", "0"],
            Some(3.),
        ),
        (
            "BGO",
            "m06",
            ["3", "1", "0", "0", "0", "1", "0", "0", "1"],
            Some(6. + 5. / 30.),
        ),
        (
            "BGO",
            "m12",
            ["3", "0", "0", "1", "0", "0", "0", "1", "1"],
            None,
        ),
        ("BGO", "m24", later("3", "1", "1", "1"), None),
        ("BGO", "m36", later("3", "1", "1", "1"), None),
        ("BGO", "m48", later("3", "1", "1", "1"), None),
    ];
    for (site, tp, counts, months) in want {
        let r = find(&flow, &[("site", site), ("timepoint", tp)]);
        cells(r, &cols, &counts);
        match months {
            Some(m) => close(r, "mean_months_done", m),
            None => assert_eq!(r["mean_months_done"], "", "{r:?}"),
        }
    }

    // Completeness: every variable of every form, states adding up.
    let comp = rows(&out, "completeness.csv");
    let expected_rows: usize = c
        .study
        .forms()
        .flat_map(|f| f.instruments.iter())
        .map(|i| c.study.instrument(i).unwrap().variables().count())
        .sum();
    assert_eq!(comp.len(), expected_rows);
    let states = kohort_form::ItemState::NAMES
        .iter()
        .chain(&["not_in_version"]);
    for r in &comp {
        let sum: u64 = states.clone().map(|s| r[*s].parse::<u64>().unwrap()).sum();
        assert_eq!(sum.to_string(), r["sessions"], "{r:?}");
    }
    let sessions =
        |form: &str| find(&comp, &[("form", form), ("variable", "b_stable")])["sessions"].clone();
    let per_form: Vec<String> = ["baseline", "m03", "m06", "m12", "m24"]
        .iter()
        .map(|f| sessions(f))
        .collect();
    assert_eq!(per_form, ["9", "4", "4", "2", "0"]);
    let comp_cols = [
        "sessions",
        "asked",
        "answered",
        "declined",
        "skipped",
        "not_shown",
        "not_reached",
        "not_computed",
        "not_in_version",
        "answered_pct",
    ];
    let want: [(&str, &str, [&str; 10]); 11] = [
        (
            "baseline",
            "b_stable",
            ["9", "9", "9", "0", "0", "0", "0", "0", "0", "100"],
        ),
        // P7 lives elsewhere ("other", in words); the rest left it.
        (
            "baseline",
            "b_living",
            ["9", "9", "1", "0", "8", "0", "0", "0", "0", "11.1"],
        ),
        (
            "baseline",
            "b_living_desc",
            ["9", "1", "1", "0", "0", "8", "0", "0", "0", "100"],
        ),
        // P6's session stopped after housing.
        (
            "baseline",
            "e_heroin",
            ["9", "9", "8", "0", "0", "0", "1", "0", "0", "88.9"],
        ),
        (
            "baseline",
            "i_teeth",
            ["9", "9", "7", "1", "0", "0", "1", "0", "0", "77.8"],
        ),
        (
            "baseline",
            "c_money_other",
            ["9", "9", "0", "0", "8", "0", "1", "0", "0", "0"],
        ),
        (
            "baseline",
            "f_any_victim",
            ["9", "9", "8", "0", "0", "0", "0", "1", "0", "88.9"],
        ),
        (
            "baseline",
            "f_any_crime",
            ["9", "9", "0", "0", "0", "0", "0", "9", "0", "0"],
        ),
        // Asked at baseline only.
        (
            "m03",
            "g_suicide_ever",
            ["4", "0", "0", "0", "0", "4", "0", "0", "0", ""],
        ),
        (
            "m06",
            "b_stable",
            ["4", "4", "3", "1", "0", "0", "0", "0", "0", "75"],
        ),
        (
            "m24",
            "b_stable",
            ["0", "0", "0", "0", "0", "0", "0", "0", "0", ""],
        ),
    ];
    for (form, var, w) in want {
        cells(
            find(&comp, &[("form", form), ("variable", var)]),
            &comp_cols,
            &w,
        );
    }

    // First versus last measurement.
    let ch = rows(&out, "change.csv");
    let ids: Vec<&str> = ch.iter().map(|r| r["outcome"].as_str()).collect();
    let declared: Vec<&str> = c.study.outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, declared);
    let bin_cols = [
        "n",
        "to_negative",
        "to_negative_pct",
        "to_positive",
        "to_positive_pct",
        "no_change",
        "no_change_pct",
        "mean_first",
        "mean_last",
        "sd_change",
        "one_measurement",
    ];
    let none = ["0", "0", "", "0", "", "0", "", "", "", "", "0"];
    let want: [(&str, [&str; 11]); 10] = [
        // P2 1 → 0; P1, P5, P8 0 → 1; P3, P4 unchanged; P6, P7 once.
        (
            "stable_housing",
            ["6", "1", "16.7", "3", "50", "2", "33.3", "", "", "", "2"],
        ),
        // In work at the last: P1 (2), P2 (1), P5 (4), P8 (2); P4 all along.
        (
            "work",
            ["6", "0", "0", "4", "66.7", "2", "33.3", "", "", "", "1"],
        ),
        // Points: P1 2→4, P5 2→4, P8 2→5 up; P2 3→1, P4 5→3 down; P3 1→2 no change.
        (
            "money_food",
            ["6", "2", "33.3", "3", "50", "1", "16.7", "", "", "", "1"],
        ),
        ("money_other", none),
        // Lower is better: P1, P5, P8 stop being victims, P2 becomes one.
        (
            "crime_victim",
            ["6", "1", "16.7", "3", "50", "2", "33.3", "", "", "", "1"],
        ),
        ("crime_committed", none),
        // More than 12 days: P1 20→0, P5 30→12, P8 20→2 stop; P2, P3 stay, P4 never.
        (
            "frequent_heroin",
            ["6", "0", "0", "3", "50", "3", "50", "", "", "", "1"],
        ),
        ("frequent_cocaine", none),
        // P2 0→14 starts; P3 14→0 and P8 20→0 stop; P1, P5 stay; P4 never.
        (
            "frequent_benzo",
            ["6", "1", "16.7", "2", "33.3", "3", "50", "", "", "", "1"],
        ),
        // Heroin and benzodiazepines both over 12: P1, P3, P5, P8 at first only, P2 at last only.
        (
            "frequent_polysubstance",
            ["6", "1", "16.7", "4", "66.7", "1", "16.7", "", "", "", "1"],
        ),
    ];
    for (id, w) in want {
        let r = find(&ch, &[("outcome", id)]);
        cells(r, &bin_cols, &w);
        if w[0] == "6" {
            close(r, "months_first", mean(&FIRST));
            close(r, "months_last", mean(&LAST));
        } else {
            cells(r, &["months_first", "months_last"], &["", ""]);
        }
    }
    let count_cols = [
        "n",
        "to_negative",
        "to_positive",
        "no_change",
        "one_measurement",
    ];
    // Heroin days, first → last: 20→0, 25→30, 14→13, 0→0, 30→12, 20→2.
    let r = find(&ch, &[("outcome", "heroin_days")]);
    cells(r, &count_cols, &["6", "", "", "", "1"]);
    close(r, "mean_first", 109. / 6.);
    close(r, "mean_last", 57. / 6.);
    // Changes −20, 5, −1, 0, −18, −18: mean −52/6, sum of squares about it 623.33, / 5.
    close(r, "sd_change", (623.0f64 + 1. / 3.).sqrt() / 5f64.sqrt());
    close(r, "months_first", mean(&FIRST));
    close(r, "months_last", mean(&LAST));
    // Benzodiazepine days: 15→13, 0→14, 14→0, 0→0, 30→13, 20→0.
    let r = find(&ch, &[("outcome", "benzo_days")]);
    cells(r, &count_cols, &["6", "", "", "", "1"]);
    close(r, "mean_first", 79. / 6.);
    close(r, "mean_last", 40. / 6.);
    let d = [-2., 14., -14., 0., -17., -20.];
    let m = mean(&d);
    close(
        r,
        "sd_change",
        (d.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 5.).sqrt(),
    );
    let blank = ["0", "", "", "", "", "", "", "", "", "", "0"];
    cells(find(&ch, &[("outcome", "cocaine_days")]), &bin_cols, &blank);

    // Symptoms at baseline, each participant's first baseline (P8's first
    // episode's): sleep 4, 0, 2, 1, 3, –, 4, 4; teeth 2, 0, 3, 4, 1, –, declined, 3.
    let sy = rows(&out, "symptoms.csv");
    assert_eq!(sy.len(), 18);
    let order: Vec<&str> = sy.iter().map(|r| r["variable"].as_str()).collect();
    assert_eq!(
        &order[..4],
        ["i_sleep", "i_teeth", "i_joint_pain", "i_memory"]
    );
    let band = [
        "n",
        "band1",
        "band1_pct",
        "band2",
        "band2_pct",
        "band3",
        "band3_pct",
    ];
    cells(&sy[0], &band, &["7", "1", "14.3", "2", "28.6", "4", "57.1"]);
    cells(&sy[1], &band, &["6", "1", "16.7", "2", "33.3", "3", "50"]);
    for r in &sy[2..] {
        cells(r, &band, &["0", "0", "", "0", "", "0", ""]);
    }
    // Long-term conditions, baseline and 12 months (P1 and P2 only).
    let pr = rows(&out, "prevalence.csv");
    assert_eq!(pr.len(), 11);
    let pcols = [
        "n_from",
        "yes_from",
        "pct_from",
        "n_to",
        "yes_to",
        "pct_to",
        "n_both",
        "pct_from_both",
        "pct_to_both",
        "change_pp",
    ];
    cells(
        find(&pr, &[("variable", "i_lt_sleep")]),
        &pcols,
        &["7", "5", "71.4", "2", "1", "50", "2", "50", "50", "0"],
    );
    cells(
        find(&pr, &[("variable", "i_lt_dental")]),
        &pcols,
        &["7", "5", "71.4", "2", "2", "100", "2", "100", "100", "0"],
    );
    cells(
        find(&pr, &[("variable", "i_lt_hiv")]),
        &pcols,
        &["0", "0", "", "0", "0", "", "0", "", "", ""],
    );

    // Retention. Months in treatment per episode: P3 dropped out at 4 + 17/31,
    // P6 died at 5 + 21/30, P8(1) transferred at 6, P2 completed at 13;
    // censored: P7 1 + 29/30, P4 withdrew at 5, P8(2) 12 + 29/30, P5 13 + 10/30, P1 17 + 20/30.
    // S = 7/8 at 4.55, × 5/6 at 5.7, × 4/5 at 6, × 2/3 at 13.
    let re = rows(&out, "retention.csv");
    let rcols = [
        "reached",
        "in_treatment",
        "ended",
        "withdrawn",
        "not_reached",
        "at_risk",
    ];
    let s6: f64 = 7. / 8. * 5. / 6. * 4. / 5.;
    let se = (1. / 56. + 1. / 30. + 1. / 20.0f64).sqrt();
    let low = 100. * (s6.ln() - 1.96 * se).exp();
    for (tp, counts, km) in [
        ("m03", ["8", "8", "0", "0", "1", "8"], Some(100.)),
        ("m06", ["7", "4", "3", "1", "1", "5"], Some(100. * s6)),
        ("m12", ["7", "4", "3", "1", "1", "4"], Some(100. * s6)),
        ("m24", ["1", "0", "1", "0", "8", "0"], None),
        ("m36", ["0", "0", "0", "0", "9", "0"], None),
        ("m48", ["0", "0", "0", "0", "9", "0"], None),
    ] {
        let r = find(&re, &[("timepoint", tp)]);
        cells(r, &rcols, &counts);
        match km {
            Some(k) => close(r, "km_pct", k),
            None => cells(r, &["km_pct", "km_low", "km_high"], &["", "", ""]),
        }
    }
    let r = find(&re, &[("timepoint", "m03")]);
    cells(r, &["km_low", "km_high"], &["", ""]);
    for tp in ["m06", "m12"] {
        let r = find(&re, &[("timepoint", tp)]);
        close(r, "km_low", low);
        close(r, "km_high", 100.);
    }
    let ends = rows(&out, "retention_ends.csv");
    let got: Vec<(&str, &str, &str)> = ends
        .iter()
        .map(|r| {
            (
                r["end_type"].as_str(),
                r["episodes"].as_str(),
                r["pct"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("completed", "1", "11.1"),
            ("dropped_out", "1", "11.1"),
            ("transferred", "1", "11.1"),
            ("discharged", "0", "0"),
            ("died", "1", "11.1"),
            ("other", "0", "0"),
            ("censored_in_treatment", "4", "44.4"),
            ("censored_withdrawn", "1", "11.1"),
        ]
    );
    for (kind, months) in [
        ("completed", 13.),
        ("dropped_out", 4. + 17. / 31.),
        ("transferred", 6.),
        ("died", 5. + 21. / 30.),
        (
            "censored_in_treatment",
            mean(&[
                1. + 29. / 30.,
                12. + 29. / 30.,
                13. + 10. / 30.,
                17. + 20. / 30.,
            ]),
        ),
        ("censored_withdrawn", 5.),
    ] {
        close(find(&ends, &[("end_type", kind)]), "mean_months", months);
    }
}
