//! The expression language of `show_if` and `score`: parsed once when a form
//! loads, type-checked against the instrument, evaluated by the runner.
//! The grammar is documented in `forms/README.md`.

mod check;
mod eval;
mod lex;
mod parse;

pub use check::{NameTy, Scope, Ty, check};
pub use eval::{Env, V, eval};
pub use parse::{Func, Node};

use std::fmt;

/// Longest expression accepted, in bytes.
pub const MAX_LEN: usize = 4096;
/// Deepest nesting of parentheses and operators accepted.
pub const MAX_DEPTH: usize = 64;

/// Where in an expression something is: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A problem inside an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub at: Span,
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.at, self.message)
    }
}

/// A parsed expression with its source text.
#[derive(Clone, Debug)]
pub struct Expr {
    pub source: String,
    pub ast: Node,
}

impl Expr {
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        if source.len() > MAX_LEN {
            return Err(ExprError {
                at: Span { line: 1, col: 1 },
                message: format!("expression is longer than {MAX_LEN} bytes"),
            });
        }
        let tokens = lex::lex(source)?;
        let ast = parse::parse(&tokens)?;
        Ok(Expr {
            source: source.to_owned(),
            ast,
        })
    }

    /// Every name the expression refers to, in order of appearance.
    pub fn names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.ast.collect_names(&mut out);
        out
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}
