//! The patient screens' two looks: the standard light one and a
//! high-contrast one (white on black, yellow for what is chosen), each a
//! [`Palette`] of every colour the screens put text or controls on, so a
//! test can compute the WCAG contrast ratio of every pair.

use eframe::egui::{self, Color32, Stroke};

use super::patient::HIGHLIGHT;
use super::theme::{CHOSEN, INK, PAPER, QUIET, WARN, WARN_BG};

/// Every colour of a patient look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub ink: Color32,
    pub paper: Color32,
    /// Bars, unchosen buttons, every other matrix row.
    pub quiet: Color32,
    pub hovered: Color32,
    pub pressed: Color32,
    /// A chosen option's fill, and the text on it.
    pub chosen: Color32,
    pub on_chosen: Color32,
    pub warn: Color32,
    pub warn_bg: Color32,
    /// The line being read aloud, and the text on it.
    pub highlight: Color32,
    pub on_highlight: Color32,
    /// Button outlines.
    pub border: Color32,
}

/// The standard look, as `theme::patient` draws it.
pub const STANDARD: Palette = Palette {
    ink: INK,
    paper: PAPER,
    quiet: QUIET,
    hovered: Color32::from_rgb(0xDD, 0xE6, 0xF3),
    pressed: Color32::from_rgb(0xC8, 0xD6, 0xEE),
    chosen: CHOSEN,
    on_chosen: PAPER,
    warn: WARN,
    warn_bg: WARN_BG,
    highlight: HIGHLIGHT,
    on_highlight: INK,
    border: Color32::from_gray(0x55),
};

/// High contrast: white on black, chosen in yellow with black text.
pub const HIGH: Palette = Palette {
    ink: Color32::WHITE,
    paper: Color32::BLACK,
    quiet: Color32::from_gray(0x1A),
    hovered: Color32::from_gray(0x33),
    pressed: Color32::from_gray(0x44),
    chosen: Color32::from_rgb(0xFF, 0xE6, 0x00),
    on_chosen: Color32::BLACK,
    warn: Color32::from_rgb(0xFF, 0xC0, 0x80),
    warn_bg: Color32::from_rgb(0x2A, 0x14, 0x00),
    highlight: Color32::from_rgb(0x00, 0xE5, 0xFF),
    on_highlight: Color32::BLACK,
    border: Color32::WHITE,
};

/// A pair of colours the screens draw, with what WCAG asks of it.
pub struct Pair {
    pub what: &'static str,
    pub fg: Color32,
    pub bg: Color32,
    /// The ratio asked: 4.5 for text, 3 for large text and controls.
    pub needs: f32,
}

impl Palette {
    /// Every text/background pair and every control/background pair.
    pub fn pairs(&self) -> Vec<Pair> {
        let p = |what, fg, bg, needs| Pair {
            what,
            fg,
            bg,
            needs,
        };
        vec![
            p("text on the page", self.ink, self.paper, 4.5),
            p(
                "text on bars, buttons and matrix rows",
                self.ink,
                self.quiet,
                4.5,
            ),
            p(
                "text on a button under the finger",
                self.ink,
                self.hovered,
                4.5,
            ),
            p("text on a pressed button", self.ink, self.pressed, 4.5),
            p("text on a chosen option", self.on_chosen, self.chosen, 4.5),
            p("a message about the input", self.warn, self.warn_bg, 4.5),
            p(
                "the text being read aloud",
                self.on_highlight,
                self.highlight,
                4.5,
            ),
            p("button outline on the page", self.border, self.paper, 3.0),
            p("button outline on a bar", self.border, self.quiet, 3.0),
            p("a chosen option on the page", self.chosen, self.paper, 3.0),
            p(
                "the read-aloud frame on the page",
                self.highlight,
                self.paper,
                3.0,
            ),
        ]
    }

    /// Applies the look to `ui` (after `theme::patient`, which sets sizes).
    pub fn apply(&self, ui: &mut egui::Ui) {
        let v = &mut ui.style_mut().visuals;
        if *self == HIGH {
            *v = egui::Visuals::dark();
        }
        v.panel_fill = self.paper;
        v.window_fill = self.paper;
        v.faint_bg_color = self.quiet;
        v.extreme_bg_color = self.quiet;
        v.warn_fg_color = self.warn;
        v.selection.bg_fill = self.chosen;
        v.selection.stroke = Stroke::new(2.0, self.on_chosen);
        for (w, fill) in [
            (&mut v.widgets.inactive, self.quiet),
            (&mut v.widgets.hovered, self.hovered),
            (&mut v.widgets.active, self.pressed),
        ] {
            w.fg_stroke = Stroke::new(2.0, self.ink);
            w.bg_stroke = Stroke::new(2.0, self.border);
            w.weak_bg_fill = fill;
            w.bg_fill = fill;
            w.corner_radius = egui::CornerRadius::same(10);
        }
        v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, self.ink);
        v.widgets.noninteractive.bg_fill = self.paper;
    }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance(c: Color32) -> f32 {
    let ch = |v: u8| {
        let s = f32::from(v) / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn ratio(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}
