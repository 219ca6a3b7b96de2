//! Stacked bars (the distribution of symptoms in bands) and a dumbbell
//! chart (a share at two forms, with the change between).

use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Area, Drawn, GRID, INK, clip, font, rgb, svg, text};
use crate::report::fmt::Fmt;

/// One bar: a label and the share (0–1) of each band.
pub struct Bar {
    pub label: String,
    pub shares: Vec<f64>,
}

/// The bands' colours: as the evaluation report draws three (light
/// turquoise, dark blue, red); more bands take a blue ramp.
fn band_colours(n: usize) -> Vec<RGBColor> {
    match n {
        3 => vec![rgb(0x9ad8d3), rgb(0x1f4e79), rgb(0xc0392b)],
        2 => vec![rgb(0x9ad8d3), rgb(0xc0392b)],
        _ => (0..n)
            .map(|i| {
                let t = i as f64 / n.saturating_sub(1).max(1) as f64;
                let c = |a: f64, b: f64| (a + (b - a) * t) as u8;
                RGBColor(c(200.0, 16.0), c(225.0, 60.0), c(240.0, 120.0))
            })
            .collect(),
    }
}

/// Whether white text reads on `c`.
fn dark(c: RGBColor) -> bool {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2) < 150.0
}

const ROW: u32 = 26;
const LABELS: u32 = 290;
const WIDTH: u32 = 960;

/// A legend of coloured squares across the top.
fn legend(root: &Area<'_>, items: &[(String, RGBColor)]) -> Drawn {
    let mut x = LABELS as i32;
    for (name, colour) in items {
        root.draw(&Rectangle::new([(x, 12), (x + 14, 26)], colour.filled()))?;
        root.draw(&Text::new(
            name.clone(),
            (x + 20, 19),
            text(13, HPos::Left, VPos::Center),
        ))?;
        x += 40 + 8 * name.chars().count() as i32;
    }
    Ok(())
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart of `n` rows (the first on top, labels left of them) on a 0–100 %
/// axis, below the legend.
fn rows_by_percent<'a, 'b>(
    root: &'a Area<'b>,
    n: usize,
    f: Fmt,
) -> Result<Chart<'a, 'b>, DrawingAreaErrorKind<std::io::Error>> {
    let pct = |x: &f64| f.percent(*x, 0);
    let mut chart = ChartBuilder::on(root)
        .margin_top(40)
        .margin_right(24)
        .x_label_area_size(36)
        .y_label_area_size(LABELS)
        .build_cartesian_2d(0f64..100f64, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_labels(6)
        .x_label_formatter(&pct)
        .label_style(font(12))
        .draw()?;
    Ok(chart)
}

pub fn stacked(bars: &[Bar], bands: &[String], f: Fmt) -> String {
    let n = bars.len().max(1);
    let height = 46 + ROW * n as u32 + 44;
    let colours = band_colours(bands.len());
    let label = f.t(
        "Stacked bars of the symptoms",
        "Stablede søyler av symptomene",
    );
    svg((WIDTH, height), label, |root| {
        let items: Vec<(String, RGBColor)> =
            bands.iter().cloned().zip(colours.iter().copied()).collect();
        legend(root, &items)?;
        let chart = rows_by_percent(root, n, f)?;
        for (i, bar) in bars.iter().enumerate() {
            let y1 = (n - i) as f64;
            let (top, bottom) = (y1 - 0.15, y1 - 0.85);
            let mid = (top + bottom) / 2.0;
            let name = EmptyElement::at((0.0, mid))
                + Text::new(
                    clip(&bar.label, 46),
                    (-10, 0),
                    text(13, HPos::Right, VPos::Center),
                );
            chart.plotting_area().draw(&name)?;
            let mut x = 0.0;
            for (share, colour) in bar.shares.iter().zip(&colours) {
                let w = 100.0 * share;
                let rect = Rectangle::new([(x, top), (x + w, bottom)], colour.filled());
                chart.plotting_area().draw(&rect)?;
                if w >= 7.0 {
                    let ink = if dark(*colour) { WHITE } else { INK };
                    let t = text(12, HPos::Center, VPos::Center).color(&ink);
                    let label = Text::new(f.percent(w, 0), (x + w / 2.0, mid), t);
                    chart.plotting_area().draw(&label)?;
                }
                x += w;
            }
        }
        Ok(())
    })
}

/// One row of a dumbbell chart: the shares (0–1) at the two forms.
pub struct Pair {
    pub label: String,
    pub from: f64,
    pub to: f64,
}

/// The names of the two forms.
pub struct Dumbbell {
    pub from: String,
    pub to: String,
}

/// Within ±2 percentage points counts as stable.
const STABLE: f64 = 2.0;

pub fn dumbbell(pairs: &[Pair], names: &Dumbbell, f: Fmt) -> String {
    let mut pairs: Vec<&Pair> = pairs.iter().collect();
    pairs.sort_by(|a, b| b.from.total_cmp(&a.from));
    let n = pairs.len().max(1);
    let height = 46 + 30 * n as u32 + 44;
    let (grey, down, same, up) = (rgb(0x555555), rgb(0x8ecae6), rgb(0x1f77b4), rgb(0xd62728));
    let label = f.t("Shares at two timepoints", "Andeler ved to tidspunkter");
    svg((WIDTH, height), label, |root| {
        let items = [
            (names.from.clone(), grey),
            (format!("{}: {}", names.to, f.t("lower", "lavere")), down),
            (
                f.t("stable (±2 points)", "stabil (±2 poeng)").to_owned(),
                same,
            ),
            (f.t("higher", "høyere").to_owned(), up),
        ];
        legend(root, &items)?;
        let chart = rows_by_percent(root, n, f)?;
        for (i, p) in pairs.iter().enumerate() {
            let y = (n - i) as f64 - 0.5;
            let (a, b) = (100.0 * p.from, 100.0 * p.to);
            let change = b - a;
            let colour = if change.abs() <= STABLE {
                same
            } else if change < 0.0 {
                down
            } else {
                up
            };
            let area = chart.plotting_area();
            let name = EmptyElement::at((0.0, y))
                + Text::new(
                    clip(&p.label, 40),
                    (-10, 0),
                    text(13, HPos::Right, VPos::Center),
                );
            area.draw(&name)?;
            area.draw(&PathElement::new(
                vec![(a, y), (b, y)],
                rgb(0x999999).stroke_width(3),
            ))?;
            area.draw(&Circle::new((a, y), 6, grey.filled()))?;
            area.draw(&Circle::new((b, y), 6, colour.filled()))?;
            let sign = if change > 0.0 { "+" } else { "" };
            let words = format!("{sign}{}", f.dec(change, 1));
            let above = EmptyElement::at(((a + b) / 2.0, y))
                + Text::new(words, (0, -9), text(11, HPos::Center, VPos::Bottom));
            area.draw(&above)?;
        }
        Ok(())
    })
}
