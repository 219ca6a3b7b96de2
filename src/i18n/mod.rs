//! Every text a person sees in the app comes from one Fluent catalogue per
//! language, `assets/i18n/{nb,nn,en}.ftl`, built into the binary. Plurals
//! are the catalogue's (Fluent's plural rules for each language); numbers
//! with decimals and dates are formatted here, as Norwegians write them.
//!
//! Code names a text by its key with [`t!`] (a given language) or [`ts!`]
//! (the staff language of the screen being drawn). A test checks that every
//! key exists in every language, that no key goes unused and that no screen
//! text is written in code.

mod dates;

pub use dates::{day_long, day_short, minute, month_name, weekday_name};
pub use kohort_form::Lang;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The catalogue files, by language.
pub const SOURCES: [(Lang, &str); 3] = [
    (Lang::Nb, include_str!("../../assets/i18n/nb.ftl")),
    (Lang::Nn, include_str!("../../assets/i18n/nn.ftl")),
    (Lang::En, include_str!("../../assets/i18n/en.ftl")),
];

struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue {
        bundles: SOURCES
            .iter()
            .map(|&(lang, source)| (lang, bundle(lang, source)))
            .collect(),
    })
}

/// One language's bundle. A catalogue with a syntax error still loads what
/// parses (the catalogue test fails on any error).
fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // egui would draw Unicode isolation marks as boxes.
    b.set_use_isolating(false);
    let res = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _)| res);
    // Duplicate keys are reported by the catalogue test.
    let _ = b.add_resource(res);
    b
}

/// A value for a placeable: a number (plural rules apply) or text.
pub enum Arg {
    Number(f64),
    Text(String),
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(usize, u32, u64, i32, i64);

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

/// The text of `key` in `lang`.
pub fn tr(lang: Lang, key: &str) -> String {
    tr_with(lang, key, &[])
}

/// The text of `key` in `lang` with its placeables filled in. A key the
/// language lacks falls back to bokmål, then shows the key itself (the
/// catalogue test keeps that from shipping).
pub fn tr_with(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Number(n) => fargs.set(*name, FluentValue::from(*n)),
            Arg::Text(s) => fargs.set(*name, FluentValue::from(s.as_str())),
        }
    }
    for want in [lang, Lang::Nb] {
        let Some((_, b)) = catalogue().bundles.iter().find(|(l, _)| *l == want) else {
            continue;
        };
        if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned();
        }
    }
    key.to_owned()
}

/// A text from the catalogue in the given language:
/// `t!(lang, "patient-next")`, `t!(lang, "unbatched", count = n)`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:literal) => {
        $crate::i18n::tr($lang, $key)
    };
    ($lang:expr, $key:literal, $($name:ident = $val:expr),+ $(,)?) => {
        $crate::i18n::tr_with(
            $lang,
            $key,
            &[$((stringify!($name), $crate::i18n::Arg::from($val))),+],
        )
    };
}

/// A text in the staff language of the screen being drawn:
/// `ts!(ui, "settings-title")` (see `ui::lang`).
#[macro_export]
macro_rules! ts {
    ($ui:expr, $key:literal $(, $name:ident = $val:expr)* $(,)?) => {
        $crate::t!($crate::ui::lang::staff_lang($ui.ctx()), $key $(, $name = $val)*)
    };
}

/// A number with `decimals` decimals as the language writes it: a decimal
/// comma in Norwegian.
pub fn number(lang: Lang, x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match lang {
        Lang::Nb | Lang::Nn => s.replace('.', ","),
        Lang::En => s,
    }
}

/// Every key of one language's catalogue, and the problems Fluent found
/// parsing it (for the catalogue test).
pub fn keys_of(source: &str) -> (Vec<String>, Vec<String>) {
    use fluent_syntax::ast::Entry;
    let (res, errors) = match fluent_syntax::parser::parse(source) {
        Ok(r) => (r, Vec::new()),
        Err((r, e)) => (r, e.iter().map(|e| format!("{e:?}")).collect()),
    };
    let keys = res
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect();
    (keys, errors)
}
