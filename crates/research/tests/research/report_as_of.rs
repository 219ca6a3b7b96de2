//! The report as of a later day, and with small cells hidden, for the
//! cohort of `report_cohort.rs`.

use crate::report_check::{FIRST, cells, close, find, mean};
use crate::report_cohort::{self, Cohort, day, rows};

#[test]
fn a_later_as_of_day_counts_what_happened_by_then_and_small_cells_can_be_hidden() {
    let c = report_cohort::build();
    // By 31 July P5's 12-month session (5 July) counts: P5 goes 0 → 1 → 0.
    let later = kohort_research::report::Options {
        as_of: Some(day(2025, 7, 31)),
        ..Cohort::options(false)
    };
    let out = c.report("later", &later);
    let ch = rows(&out, "change.csv");
    let r = find(&ch, &[("outcome", "stable_housing")]);
    cells(
        r,
        &["n", "to_negative", "to_positive", "no_change"],
        &["6", "1", "2", "3"],
    );
    let flow = rows(&out, "flow.csv");
    let r = find(&flow, &[("site", ""), ("timepoint", "m12")]);
    cells(r, &["done", "due"], &["3", "1"]);

    // Suppressed: counts of 1–4 and statistics of fewer than 5 are <5.
    let out = c.report("small", &Cohort::options(true));
    let e = rows(&out, "enrolment.csv");
    let got: Vec<Vec<&str>> = e
        .iter()
        .map(|r| {
            ["participants", "episodes", "withdrawn"]
                .map(|k| r[k].as_str())
                .to_vec()
        })
        .collect();
    assert_eq!(got, [["8", "9", "<5"], ["5", "6", "0"], ["<5", "<5", "<5"]]);
    let ch = rows(&out, "change.csv");
    let r = find(&ch, &[("outcome", "stable_housing")]);
    cells(
        r,
        &[
            "n",
            "to_negative",
            "to_negative_pct",
            "to_positive",
            "no_change",
            "one_measurement",
        ],
        &["6", "<5", "<5", "<5", "<5", "<5"],
    );
    close(r, "months_first", mean(&FIRST));
    let r = find(&ch, &[("outcome", "heroin_days")]);
    close(r, "mean_first", 109. / 6.);
    let flow = rows(&out, "flow.csv");
    let r = find(&flow, &[("site", "BGO"), ("timepoint", "m06")]);
    cells(
        r,
        &["episodes", "done", "missed", "mean_months_done"],
        &["<5", "<5", "0", "<5"],
    );
    let re = rows(&out, "retention.csv");
    cells(
        find(&re, &[("timepoint", "m06")]),
        &["at_risk", "km_pct"],
        &["5", "58.3333"],
    );
    cells(
        find(&re, &[("timepoint", "m12")]),
        &["at_risk", "km_pct", "km_low"],
        &["<5", "<5", "<5"],
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        page.contains("shown as &lt;5"),
        "the page says how small cells are shown"
    );
    assert!(page.contains("left out of the figure"));
}
