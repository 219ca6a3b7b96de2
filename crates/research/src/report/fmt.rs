//! How the report writes numbers: in the page in the report's language
//! (decimal comma in Norwegian), in the CSV files plainly (decimal point,
//! more decimals), and small cells replaced when they are suppressed.

use kohort_form::Lang;

/// Counts from 1 to 4 are small cells.
pub const SMALL: u64 = 5;
/// What a suppressed cell shows.
pub const HIDDEN: &str = "<5";

#[derive(Clone, Copy, Debug)]
pub struct Fmt {
    pub lang: Lang,
    pub suppress: bool,
    /// Writing a CSV cell rather than the page.
    pub csv: bool,
}

impl Fmt {
    /// The same settings, for CSV cells.
    pub fn for_csv(self) -> Fmt {
        Fmt { csv: true, ..self }
    }

    /// A text in the report's language.
    pub fn t(&self, en: &'static str, nb: &'static str) -> &'static str {
        // The report is written in bokmål or English (nynorsk reads bokmål).
        match self.lang {
            Lang::Nb | Lang::Nn => nb,
            Lang::En => en,
        }
    }

    /// A count of 1–4 when small cells are suppressed.
    pub fn hides(&self, n: u64) -> bool {
        self.suppress && (1..SMALL).contains(&n)
    }

    /// A statistic of fewer than 5 participants when small cells are
    /// suppressed (a mean of 3 values is theirs to see).
    pub fn hides_group(&self, n: u64) -> bool {
        self.suppress && n < SMALL
    }

    pub fn count(&self, n: u64) -> String {
        if self.hides(n) {
            HIDDEN.to_owned()
        } else {
            n.to_string()
        }
    }

    /// `x` with `decimals` decimals (4 in a CSV), in the page's style.
    pub fn dec(&self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return String::new();
        }
        let d = if self.csv { 4 } else { decimals };
        let mut s = format!("{x:.d$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s.remove(0);
        }
        if self.csv && s.contains('.') {
            s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        }
        if self.lang == Lang::Nb && !self.csv {
            s = s.replace('.', ",");
        }
        s
    }

    /// A statistic over `n` participants: empty when there is none,
    /// hidden when `n` is small and suppression is on.
    pub fn stat(&self, x: Option<f64>, n: u64, decimals: usize) -> String {
        match x {
            _ if self.hides_group(n) && n > 0 => HIDDEN.to_owned(),
            Some(x) => self.dec(x, decimals),
            None => String::new(),
        }
    }

    /// `k` of `n` as a percentage (no sign in a CSV); hidden with `k` or
    /// with a small `n`.
    pub fn pct(&self, k: u64, n: u64) -> String {
        if n == 0 {
            return String::new();
        }
        if self.hides(k) || self.hides_group(n) {
            return HIDDEN.to_owned();
        }
        let p = 100.0 * k as f64 / n as f64;
        if self.csv {
            // One decimal, as a percentage is read.
            let s = format!("{p:.1}");
            return s.trim_end_matches('0').trim_end_matches('.').to_owned();
        }
        self.percent(p, 0)
    }

    /// A percentage as the page writes it ("5 %" in Norwegian, "5%").
    pub fn percent(&self, p: f64, decimals: usize) -> String {
        let n = self.dec(p, decimals);
        match self.lang {
            Lang::Nb | Lang::Nn => format!("{n} %"),
            Lang::En => format!("{n}%"),
        }
    }

    /// "k (p %)", as the evaluation report writes changes.
    pub fn count_pct(&self, k: u64, n: u64) -> String {
        let pct = self.pct(k, n);
        if self.hides(k) || pct.is_empty() || pct == HIDDEN {
            return self.count(k);
        }
        format!("{} ({pct})", self.count(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(lang: Lang, suppress: bool) -> Fmt {
        Fmt {
            lang,
            suppress,
            csv: false,
        }
    }

    #[test]
    fn numbers_in_the_page_and_the_csv() {
        let nb = f(Lang::Nb, false);
        assert_eq!(nb.dec(1.456, 2), "1,46");
        assert_eq!(nb.for_csv().dec(1.456, 2), "1.456");
        assert_eq!(nb.for_csv().dec(2.0, 2), "2");
        assert_eq!(nb.dec(-0.001, 1), "0,0");
        assert_eq!(nb.count_pct(5, 102), "5 (5 %)");
        assert_eq!(f(Lang::En, false).count_pct(8, 102), "8 (8%)");
        assert_eq!(nb.for_csv().pct(5, 102), "4.9");
    }

    #[test]
    fn small_cells_are_hidden_only_when_asked() {
        let s = f(Lang::En, true);
        assert_eq!(s.count(4), HIDDEN);
        assert_eq!(s.count(0), "0");
        assert_eq!(s.count(5), "5");
        assert_eq!(s.count_pct(3, 40), HIDDEN);
        assert_eq!(s.count_pct(0, 40), "0 (0%)");
        assert_eq!(s.stat(Some(2.5), 4, 1), HIDDEN);
        assert_eq!(s.stat(Some(2.5), 5, 1), "2.5");
        assert_eq!(f(Lang::En, false).count(4), "4");
    }
}
