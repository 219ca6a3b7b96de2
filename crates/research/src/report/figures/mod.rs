//! The report's figures, drawn with plotters into inline SVG (its SVG
//! backend only: no fonts are read, the browser renders the text).

pub mod bars;
pub mod heat;
pub mod km;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::html;

pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub type Drawn = Result<(), DrawingAreaErrorKind<std::io::Error>>;

pub const FONT: &str = "sans-serif";
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// A colour from `0xRRGGBB`.
pub const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Text of `px` pixels (plotters writes its size divided by 1.24).
pub fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, f64::from(px) * 1.24).into_font()).color(&INK)
}

/// Text of `px` pixels, anchored at `h` and `v`.
pub fn text(px: u32, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).pos(Pos::new(h, v))
}

/// Draws `paint` into an SVG of `size` that scales down with the page;
/// `label` is what a screen reader says of it.
pub fn svg(size: (u32, u32), label: &str, paint: impl FnOnce(&Area<'_>) -> Drawn) -> String {
    let mut out = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE)
            .and_then(|()| paint(&root))
            .and_then(|()| root.present())
    };
    if drawn.is_err() {
        return String::from("<p class=\"note\">(the figure could not be drawn)</p>");
    }
    let attrs = format!(
        "<svg class=\"fig\" role=\"img\" aria-label=\"{}\"",
        html::esc(label)
    );
    out.replacen("<svg", &attrs, 1)
}

/// The first `max` characters of `s`, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}
