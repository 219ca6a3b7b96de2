//! Texts shown to people, in Norwegian bokmål and English.

use serde::{Deserialize, Serialize};

/// The languages every text can be shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Norwegian bokmål: the default for patients.
    #[default]
    Nb,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

/// A text in bokmål (required) and English (expected).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub nb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    pub fn new(nb: &str, en: &str) -> Self {
        Text {
            nb: nb.to_owned(),
            en: Some(en.to_owned()),
        }
    }

    /// The text in `lang`, falling back to bokmål when no English exists.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.nb,
        }
    }
}

/// A message for the patient in both languages, e.g. a validation hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub nb: String,
    pub en: String,
}

impl Message {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        }
    }
}
