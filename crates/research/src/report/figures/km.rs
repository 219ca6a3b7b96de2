//! The Kaplan–Meier step curve of time in treatment, each end of
//! treatment marked by how it ended and each censored episode by a tick.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{GRID, INK, font, rgb, svg, text};
use crate::report::fmt::{Fmt, SMALL};
use crate::report::retention::{Obs, Step};

pub struct Curve<'a> {
    pub steps: &'a [Step],
    pub obs: &'a [Obs],
    /// End type codes with their labels, in the legend's order.
    pub kinds: Vec<(String, String)>,
}

/// One colour per end type, in the order of `EndType::ALL`, then others.
const COLOURS: [u32; 8] = [
    0x2a9d8f, 0xe76f51, 0x457b9d, 0xf4a261, 0x6d1a36, 0x8d99ae, 0x6a4c93, 0xadb5bd,
];

/// S(t) just after `t`.
fn survival(steps: &[Step], t: f64) -> f64 {
    steps
        .iter()
        .rev()
        .find(|s| s.t <= t)
        .map_or(1.0, |s| s.survival)
}

pub fn draw(c: &Curve<'_>, f: Fmt) -> String {
    let mut times: Vec<f64> = c.obs.iter().map(|o| o.months).collect();
    times.sort_by(|a, b| b.total_cmp(a));
    let longest = times.first().copied().unwrap_or(0.0);
    // Where the curve stops: as long as enough episodes are at risk.
    let cut = match (f.suppress, times.get(SMALL as usize - 1)) {
        (false, _) => longest,
        (true, Some(t)) => *t,
        (true, None) => -1.0,
    };
    let span = ((longest / 6.0).ceil() * 6.0).max(12.0);
    let counts = |code: &str| {
        c.obs
            .iter()
            .filter(|o| o.end.as_deref() == Some(code))
            .count() as u64
    };
    let colour = |i: usize| rgb(COLOURS[i.min(COLOURS.len() - 1)]);
    let label = f.t(
        "Kaplan–Meier curve of time in treatment",
        "Kaplan–Meier-kurve for tid i behandling",
    );
    svg((960, 460), label, |root| {
        let months = |x: &f64| f.dec(*x, 0);
        let pct = |y: &f64| f.percent(*y, 0);
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(200)
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d((0f64..span + 0.01).step(6.0), 0f64..100f64)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(6)
            .x_label_formatter(&months)
            .y_label_formatter(&pct)
            .x_desc(f.t("Months from the anchor date", "Måneder fra startdatoen"))
            .y_desc(f.t("Still in treatment", "Fortsatt i behandling"))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()?;
        let area = chart.plotting_area();
        if cut >= 0.0 {
            let mut path = vec![(0.0, 100.0)];
            let mut s = 100.0;
            for st in c.steps.iter().filter(|st| st.t <= cut) {
                path.push((st.t, s));
                s = 100.0 * st.survival;
                path.push((st.t, s));
            }
            path.push((cut, s));
            area.draw(&PathElement::new(path, INK.stroke_width(2)))?;
        }
        for o in c.obs.iter().filter(|o| o.months <= cut) {
            let y = 100.0 * survival(c.steps, o.months);
            match &o.end {
                None => {
                    let tick = EmptyElement::at((o.months, y))
                        + PathElement::new(vec![(0, -6), (0, 6)], INK.stroke_width(1));
                    area.draw(&tick)?;
                }
                Some(code) => {
                    let i = c
                        .kinds
                        .iter()
                        .position(|k| k.0 == *code)
                        .unwrap_or(COLOURS.len() - 1);
                    if f.hides(counts(code)) {
                        continue;
                    }
                    area.draw(&Circle::new((o.months, y), 5, colour(i).filled()))?;
                }
            }
        }
        // The legend, right of the plot: end types that occurred.
        let mut y = 40;
        let x = 960 - 190;
        root.draw(&Text::new(
            f.t("How it ended", "Hvordan den sluttet"),
            (x, y),
            text(13, HPos::Left, VPos::Center),
        ))?;
        for (i, (code, name)) in c.kinds.iter().enumerate() {
            let n = counts(code);
            if n == 0 {
                continue;
            }
            y += 22;
            root.draw(&Circle::new((x + 6, y), 5, colour(i).filled()))?;
            let words = format!("{name} ({})", f.count(n));
            root.draw(&Text::new(
                words,
                (x + 18, y),
                text(12, HPos::Left, VPos::Center),
            ))?;
        }
        y += 22;
        root.draw(&PathElement::new(
            vec![(x + 6, y - 6), (x + 6, y + 6)],
            INK.stroke_width(1),
        ))?;
        let censored = c.obs.iter().filter(|o| o.end.is_none()).count() as u64;
        let words = format!("{} ({})", f.t("censored", "sensurert"), f.count(censored));
        root.draw(&Text::new(
            words,
            (x + 18, y),
            text(12, HPos::Left, VPos::Center),
        ))?;
        Ok(())
    })
}
