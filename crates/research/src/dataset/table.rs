//! One model of a data file, from which the CSV, its column spec and every
//! tool's script are written: columns with their type, measurement level,
//! value labels and whether they can hold missing-data codes.

use super::FormulaGuard;

/// How a column's cells are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    /// Any number, decimals included.
    Number,
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    DateTime,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Integer | Kind::Number)
    }
}

/// Measurement level, as SPSS names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Nominal,
    Ordinal,
    Scale,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Nominal => "nominal",
            Level::Ordinal => "ordinal",
            Level::Scale => "scale",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    /// The variable label: the question, or what a file column holds.
    pub label: String,
    pub kind: Kind,
    pub level: Level,
    /// Value labels of the codes (missing-data codes not included).
    pub labels: Vec<(i64, String)>,
    /// Whether the column can hold missing-data codes (`-1`…`-5`).
    pub codes: bool,
    /// The name of the column the scripts make with the reason a value is
    /// missing (not for multi-choice 0/1 columns: their variable has one).
    pub miss: Option<String>,
    /// A free-text answer (dropped when de-identifying).
    pub free_text: bool,
}

impl Column {
    /// A file column that holds no missing-data codes.
    pub fn plain(name: &str, kind: Kind, label: &str) -> Column {
        let level = match kind {
            Kind::Integer | Kind::Number | Kind::Date | Kind::DateTime => Level::Scale,
            Kind::Text => Level::Nominal,
        };
        Column {
            name: name.to_owned(),
            label: label.to_owned(),
            kind,
            level,
            labels: Vec::new(),
            codes: false,
            miss: None,
            free_text: false,
        }
    }

    /// Sets value labels and makes the column nominal.
    pub fn coded(mut self, labels: &[(i64, &str)]) -> Column {
        self.labels = labels.iter().map(|(c, l)| (*c, (*l).to_owned())).collect();
        self.level = Level::Nominal;
        self
    }
}

/// One data file.
#[derive(Clone, Debug)]
pub struct Table {
    /// The file name without `.csv`.
    pub stem: String,
    /// What one row is, for the scripts' comments.
    pub about: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(stem: &str, about: &str, columns: Vec<Column>) -> Table {
        Table {
            stem: stem.to_owned(),
            about: about.to_owned(),
            columns,
            rows: Vec::new(),
        }
    }

    pub fn file(&self) -> String {
        format!("{}.csv", self.stem)
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.stem);
        self.rows.push(row);
    }

    /// The widest cell of a column in bytes, at least 1 (for fixed-width
    /// string variables in SPSS and SAS).
    pub fn width(&self, col: usize) -> usize {
        self.rows
            .iter()
            .filter_map(|r| r.get(col))
            .map(|c| c.len())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The CSV: RFC 4180 with CRLF line ends, a UTF-8 BOM first when
    /// `bom`, line breaks inside a cell written as spaces (so a row is one
    /// line for every tool), and formula-looking cells neutralised.
    pub fn csv(&self, bom: bool, guard: FormulaGuard) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            });
        let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        // Writing into memory cannot fail.
        let _ = w.write_record(&names);
        for row in &self.rows {
            let cells = row.iter().map(|c| cell_text(c, guard));
            let _ = w.write_record(cells);
        }
        w.into_inner().unwrap_or_default()
    }
}

fn cell_text(c: &str, guard: FormulaGuard) -> String {
    let c = if c.contains(['\r', '\n']) {
        c.replace("\r\n", " ").replace(['\r', '\n'], " ")
    } else {
        c.to_owned()
    };
    match guard {
        FormulaGuard::Quote if looks_like_formula(&c) => format!("'{c}"),
        _ => c,
    }
}

/// A cell a spreadsheet would run as a formula: it starts with `=`, `+`,
/// `-`, `@` or a tab, unless it is a plain number (a negative value or a
/// missing-data code such as `-3`).
pub fn looks_like_formula(c: &str) -> bool {
    let Some(first) = c.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    let rest = c.strip_prefix('-').unwrap_or(c);
    let plain_number = !rest.is_empty()
        && rest.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
        && rest.chars().next().is_some_and(|ch| ch.is_ascii_digit())
        && rest.matches('.').count() <= 1;
    !(first == '-' && plain_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_but_negative_numbers_are_not() {
        for f in ["=1+2", "+47 22", "-x", "@SUM(A1)", "\tx", "--3", "-", "-.5"] {
            assert!(looks_like_formula(f), "{f}");
        }
        for n in ["-3", "-1.5", "3", "", "a=b", "1-2"] {
            assert!(!looks_like_formula(n), "{n}");
        }
    }

    #[test]
    fn the_csv_has_a_bom_only_when_asked_and_one_line_per_row() {
        let mut t = Table::new("t", "", vec![Column::plain("a", Kind::Text, "")]);
        t.push(vec!["two\r\nlines".into()]);
        t.push(vec!["=cmd".into()]);
        t.push(vec!["-2".into()]);
        let plain = t.csv(false, FormulaGuard::Quote);
        assert_eq!(plain, b"a\r\ntwo lines\r\n'=cmd\r\n-2\r\n");
        let excel = t.csv(true, FormulaGuard::Off);
        assert!(excel.starts_with(b"\xEF\xBB\xBFa\r\n"));
        assert!(excel.ends_with(b"=cmd\r\n-2\r\n"));
    }
}
