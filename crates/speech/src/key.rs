//! A clip's name: its language and the SHA-256 of the exact text spoken.

use sha2::{Digest, Sha256};

/// Which clip says `text` in `lang`. Two texts differing in one character
/// (a changed wording) have different keys, so an old clip is never found
/// for a new text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClipKey {
    /// The language code (`nb`, `nn`, `en`).
    pub lang: String,
    /// Lower-case hex SHA-256 of the text's UTF-8 bytes.
    pub hash: String,
}

impl ClipKey {
    pub fn of(lang: &str, text: &str) -> Self {
        ClipKey {
            lang: lang.to_owned(),
            hash: hex::encode(Sha256::digest(text.as_bytes())),
        }
    }

    /// Where the clip lives under a clip folder: `<lang>/<hash>.wav`.
    pub fn file_name(&self) -> String {
        format!("{}/{}.wav", self.lang, self.hash)
    }
}

impl std::fmt::Display for ClipKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.lang, &self.hash[..12.min(self.hash.len())])
    }
}
