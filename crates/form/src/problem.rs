//! Problems found in form files, each naming the file, the item and the JSON
//! path, so an author can go straight to it.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    /// The item the problem belongs to, when there is one.
    pub item: Option<String>,
    /// JSON Pointer to the value (`/items/3/options/1/code`), or
    /// `line L, column C` for a syntax error.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.file)?;
        if let Some(item) = &self.item {
            write!(f, ": item '{item}'")?;
        }
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects problems for one file.
#[derive(Debug)]
pub struct Problems {
    pub file: String,
    pub item: Option<String>,
    pub list: Vec<Problem>,
}

impl Problems {
    pub fn new(file: &str) -> Self {
        Problems {
            file: file.to_owned(),
            item: None,
            list: Vec::new(),
        }
    }

    pub fn error(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Error, path, message.into());
    }

    pub fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Warning, path, message.into());
    }

    fn push(&mut self, severity: Severity, path: &str, message: String) {
        self.list.push(Problem {
            severity,
            file: self.file.clone(),
            item: self.item.clone(),
            path: path.to_owned(),
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Every problem of a study or a set of files, errors first.
#[derive(Debug, Default, thiserror::Error)]
#[error("{} error(s) in the form files", self.errors().count())]
pub struct FormErrors(pub Vec<Problem>);

impl FormErrors {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.severity == Severity::Error)
    }
}
