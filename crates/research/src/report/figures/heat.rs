//! The completeness heat map: one row per variable, one column per form,
//! coloured by the share of completed sessions that answered it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{clip, rgb, svg, text};
use crate::report::fmt::Fmt;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    /// The form does not ask the variable.
    NotAsked,
    /// It does, but no session of it is completed yet.
    NoSessions,
    /// Sessions exist, but none showed it (its condition was false).
    NoneAsked,
    /// A count of 1–4 would show (suppressed).
    Hidden,
    /// The share (0–1) of sessions that answered it.
    Share(f64),
}

pub struct HeatMap {
    pub columns: Vec<String>,
    pub rows: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
}

const ROW: i32 = 12;
const COL: i32 = 86;
const LEFT: i32 = 190;
const TOP: i32 = 70;

/// From pale yellow (none answered) through teal to dark blue (all).
fn colour(share: f64) -> RGBColor {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [255.0, 237.0, 160.0]),
        (0.5, [65.0, 182.0, 196.0]),
        (1.0, [12.0, 44.0, 132.0]),
    ];
    let t = share.clamp(0.0, 1.0);
    let (lo, hi) = if t <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let u = (t - lo.0) / (hi.0 - lo.0);
    let c = |i: usize| (lo.1[i] + (hi.1[i] - lo.1[i]) * u).round() as u8;
    RGBColor(c(0), c(1), c(2))
}

pub fn draw(map: &HeatMap, f: Fmt) -> String {
    let cols = map.columns.len() as i32;
    let width = (LEFT + COL * cols + 30) as u32;
    let height = (TOP + ROW * map.rows.len() as i32 + 20) as u32;
    let label = f.t("Heat map of answered shares", "Varmekart over svarandeler");
    let (grey, hidden, pale) = (rgb(0xe4e4e4), rgb(0x9e9e9e), rgb(0xe9e4f4));
    svg((width.max(560), height), label, |root| {
        // The colour scale, then the column names.
        let steps = 10;
        for i in 0..=steps {
            let x = LEFT + i * 24;
            let c = colour(i as f64 / steps as f64);
            root.draw(&Rectangle::new([(x, 8), (x + 24, 20)], c.filled()))?;
        }
        let scale = text(11, HPos::Left, VPos::Center);
        root.draw(&Text::new(
            f.percent(0.0, 0),
            (LEFT - 30, 14),
            scale.clone(),
        ))?;
        root.draw(&Text::new(
            f.percent(100.0, 0),
            (LEFT + 11 * 24 + 6, 14),
            scale.clone(),
        ))?;
        let mut x = LEFT + 11 * 24 + 56;
        let keys = [
            (grey, f.t("not in the form", "ikke i skjemaet")),
            (WHITE, f.t("no sessions yet", "ingen økter ennå")),
            (pale, f.t("never shown", "aldri vist")),
            (hidden, "<5"),
        ];
        for (c, name) in keys {
            root.draw(&Rectangle::new([(x, 8), (x + 14, 20)], c.filled()))?;
            root.draw(&Rectangle::new(
                [(x, 8), (x + 14, 20)],
                rgb(0xaaaaaa).stroke_width(1),
            ))?;
            root.draw(&Text::new(name, (x + 19, 14), scale.clone()))?;
            x += 30 + 7 * name.chars().count() as i32;
        }
        for (ci, name) in map.columns.iter().enumerate() {
            let cx = LEFT + COL * ci as i32 + COL / 2;
            let t = text(10, HPos::Center, VPos::Bottom);
            root.draw(&Text::new(clip(name, 14), (cx, TOP - 6), t))?;
        }
        for (ri, (name, cells)) in map.rows.iter().zip(&map.cells).enumerate() {
            let y = TOP + ROW * ri as i32;
            let t = text(10, HPos::Right, VPos::Center);
            root.draw(&Text::new(clip(name, 28), (LEFT - 6, y + ROW / 2), t))?;
            for (ci, cell) in cells.iter().enumerate() {
                let x = LEFT + COL * ci as i32;
                let fill = match cell {
                    Cell::NotAsked => grey,
                    Cell::NoSessions => WHITE,
                    Cell::NoneAsked => pale,
                    Cell::Hidden => hidden,
                    Cell::Share(s) => colour(*s),
                };
                let r = [(x + 1, y + 1), (x + COL - 1, y + ROW - 1)];
                root.draw(&Rectangle::new(r, fill.filled()))?;
                if *cell == Cell::NoSessions {
                    let hatch = rgb(0xbbbbbb).stroke_width(1);
                    for k in (0..COL - ROW).step_by(8) {
                        let x0 = x + 1 + k;
                        let path = vec![(x0, y + ROW - 1), (x0 + ROW - 2, y + 1)];
                        root.draw(&PathElement::new(path, hatch))?;
                    }
                }
            }
        }
        Ok(())
    })
}
