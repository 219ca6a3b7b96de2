//! Texts shown to people: Norwegian bokmål (required), nynorsk and English,
//! and any other language a study adds (kept, not yet shown).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The languages every text can be shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Norwegian bokmål: the default for patients and staff.
    #[default]
    Nb,
    /// Norwegian nynorsk; form texts without nynorsk fall back to bokmål.
    Nn,
    En,
}

impl Lang {
    /// Every language the app is shown in, in the order offered.
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's name in itself, for a language button.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Nb => "Bokmål",
            Lang::Nn => "Nynorsk",
            Lang::En => "English",
        }
    }
}

/// A text in bokmål (required), English (expected), nynorsk (optional) and
/// any other language key a study writes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub nb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nn: Option<String>,
    /// Other languages, by their key (e.g. `se`), kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

impl Text {
    pub fn new(nb: &str, en: &str) -> Self {
        Text {
            nb: nb.to_owned(),
            en: Some(en.to_owned()),
            ..Default::default()
        }
    }

    /// The text in `lang`, falling back to bokmål when it has none in that
    /// language (nynorsk readers read bokmål; so, better than nothing, do
    /// English readers).
    pub fn get(&self, lang: Lang) -> &str {
        let own = match lang {
            Lang::Nb => None,
            Lang::Nn => self.nn.as_deref(),
            Lang::En => self.en.as_deref(),
        };
        own.unwrap_or(&self.nb)
    }

    /// Whether the text has its own wording in `lang`.
    pub fn has(&self, lang: Lang) -> bool {
        match lang {
            Lang::Nb => true,
            Lang::Nn => self.nn.is_some(),
            Lang::En => self.en.is_some(),
        }
    }
}
