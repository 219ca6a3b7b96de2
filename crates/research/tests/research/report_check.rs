//! Reading the report's CSV cells in the known-numbers tests, and the
//! months of the six participants with two or more measurements (see
//! `report_numbers.rs`).

use std::collections::BTreeMap;

pub type Row = BTreeMap<String, String>;

/// A CSV cell holds `want` (to the 4 decimals written).
pub fn close(row: &Row, col: &str, want: f64) {
    let cell = &row[col];
    let got: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {cell:?} is not a number ({row:?})"));
    assert!(
        (got - want).abs() < 6e-5,
        "{col}: {got} != {want} ({row:?})"
    );
}

/// Cells of `cols` are `want`, in order.
pub fn cells(row: &Row, cols: &[&str], want: &[&str]) {
    let got: Vec<&str> = cols.iter().map(|c| row[*c].as_str()).collect();
    assert_eq!(got, want, "{row:?}");
}

pub fn find<'a>(rows: &'a [Row], key: &[(&str, &str)]) -> &'a Row {
    rows.iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

pub fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

pub const FIRST: [f64; 6] = [10. / 31., 0., 5. / 31., 4. / 30., 5. / 31., 4. / 30.];
pub const LAST: [f64; 6] = [12., 12. + 19. / 28., 3., 3., 6. + 5. / 30., 18. + 1. / 31.];
