//! Static type checking of an expression against the instrument it lives in.

use super::parse::{BinOp, Func, Node};
use super::{ExprError, Span};

/// What a name in an expression stands for, as the instrument declares it.
#[derive(Clone, Debug, PartialEq)]
pub enum NameTy {
    /// A number: integer, decimal, days, slider, year, score or param.
    Num,
    /// A single code out of these: single choice, yes/no, scale, matrix row.
    Code(Vec<i64>),
    /// A set of these codes: multi-choice.
    Set(Vec<i64>),
    /// A matrix with rows coded out of these.
    Matrix(Vec<i64>),
    Text,
    Date,
}

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Num,
    Code(Vec<i64>),
    Set(Vec<i64>),
    Matrix(Vec<i64>),
    Text,
    Date,
    /// A literal text in quotes: never valid, kept for a clear message.
    Str,
    /// An error was already reported below.
    Error,
}

impl Ty {
    pub fn describe(&self) -> String {
        match self {
            Ty::Bool => "a true/false condition".to_owned(),
            Ty::Num => "a number".to_owned(),
            Ty::Code(codes) => format!("a choice (codes {})", list(codes)),
            Ty::Set(codes) => format!("a multiple choice (codes {})", list(codes)),
            Ty::Matrix(_) => "a matrix".to_owned(),
            Ty::Text => "a text answer".to_owned(),
            Ty::Date => "a date".to_owned(),
            Ty::Str => "text in quotes".to_owned(),
            Ty::Error => "an invalid value".to_owned(),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Ty::Num | Ty::Code(_) | Ty::Error)
    }
}

fn list(codes: &[i64]) -> String {
    codes
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves names for the checker. `Err` carries the reason a name may not
/// be used here (unknown, later in the form, a display item, …).
pub trait Scope {
    fn lookup(&self, name: &str) -> Result<NameTy, String>;
}

/// Type-checks `node`, pushing every problem found into `errors`.
pub fn check(node: &Node, scope: &dyn Scope, errors: &mut Vec<ExprError>) -> Ty {
    Checker { scope, errors }.ty(node)
}

struct Checker<'a> {
    scope: &'a dyn Scope,
    errors: &'a mut Vec<ExprError>,
}

impl Checker<'_> {
    fn err(&mut self, at: Span, message: String) -> Ty {
        self.errors.push(ExprError { at, message });
        Ty::Error
    }

    fn ty(&mut self, node: &Node) -> Ty {
        let ty = self.raw(node);
        match ty {
            Ty::Text | Ty::Date | Ty::Set(_) | Ty::Matrix(_) | Ty::Str => {
                // These may only appear as function arguments, which `call`
                // resolves through `raw` directly.
                let what = ty.describe();
                self.err(
                    node.span(),
                    format!("{what} cannot be used here; see the functions in forms/README.md"),
                )
            }
            other => other,
        }
    }

    fn raw(&mut self, node: &Node) -> Ty {
        match node {
            Node::Num(..) => Ty::Num,
            Node::Str(..) => Ty::Str,
            Node::Bool(..) => Ty::Bool,
            Node::Name(name, at) => match self.scope.lookup(name) {
                Ok(NameTy::Num) => Ty::Num,
                Ok(NameTy::Code(c)) => Ty::Code(c),
                Ok(NameTy::Set(c)) => Ty::Set(c),
                Ok(NameTy::Matrix(c)) => Ty::Matrix(c),
                Ok(NameTy::Text) => Ty::Text,
                Ok(NameTy::Date) => Ty::Date,
                Err(why) if why.is_empty() => Ty::Error,
                Err(why) => self.err(*at, why),
            },
            // Only the runner makes slots, after checking.
            Node::Slot(_, at) => self.err(*at, "a resolved slot in a form file".into()),
            Node::Neg(inner) => {
                let t = self.ty(inner);
                self.numeric(&t, inner.span(), "'-'");
                Ty::Num
            }
            Node::Not(inner) => {
                let t = self.ty(inner);
                self.boolean(&t, inner.span(), "'not'");
                Ty::Bool
            }
            Node::Binary(op, a, b, at) => self.binary(*op, a, b, *at),
            Node::In(a, codes, _) => {
                let t = self.ty(a);
                match &t {
                    Ty::Code(valid) => {
                        for (code, span) in codes {
                            self.member(valid, *code, *span);
                        }
                    }
                    _ => {
                        self.numeric(&t, a.span(), "'in'");
                    }
                }
                Ty::Bool
            }
            Node::Call(func, args, at) => self.call(*func, args, *at),
        }
    }

    fn numeric(&mut self, t: &Ty, at: Span, what: &str) {
        if !t.is_numeric() {
            let d = t.describe();
            self.err(at, format!("{what} needs a number, found {d}"));
        }
    }

    fn boolean(&mut self, t: &Ty, at: Span, what: &str) {
        if !matches!(t, Ty::Bool | Ty::Error) {
            let d = t.describe();
            self.err(
                at,
                format!("{what} needs a true/false condition, found {d}"),
            );
        }
    }

    fn member(&mut self, valid: &[i64], code: f64, at: Span) {
        if code.fract() != 0.0 || !valid.iter().any(|&c| c as f64 == code) {
            self.err(
                at,
                format!(
                    "{code} is not one of the item's option codes ({})",
                    list(valid)
                ),
            );
        }
    }

    fn binary(&mut self, op: BinOp, a: &Node, b: &Node, at: Span) -> Ty {
        if matches!(op, BinOp::And | BinOp::Or) {
            let (ta, tb) = (self.ty(a), self.ty(b));
            let name = if op == BinOp::And { "'and'" } else { "'or'" };
            self.boolean(&ta, a.span(), name);
            self.boolean(&tb, b.span(), name);
            return Ty::Bool;
        }
        let (ta, tb) = (self.raw(a), self.raw(b));
        if matches!(ta, Ty::Error) || matches!(tb, Ty::Error) {
            return if op.is_comparison() {
                Ty::Bool
            } else {
                Ty::Num
            };
        }
        if op.is_comparison() {
            let equality = matches!(op, BinOp::Eq | BinOp::Ne);
            match (&ta, &tb) {
                (Ty::Code(valid), Ty::Num) if equality => self.literal_code(valid, b),
                (Ty::Num, Ty::Code(valid)) if equality => self.literal_code(valid, a),
                (x, y) if x.is_numeric() && y.is_numeric() => {}
                (Ty::Bool, Ty::Bool) if equality => {}
                _ => {
                    let (da, db) = (ta.describe(), tb.describe());
                    self.err(at, format!("cannot compare {da} with {db}"));
                }
            }
            return Ty::Bool;
        }
        for (t, n) in [(&ta, a), (&tb, b)] {
            if !t.is_numeric() {
                let d = t.describe();
                self.err(n.span(), format!("arithmetic needs numbers, found {d}"));
            }
        }
        Ty::Num
    }

    /// A choice compared for equality must meet one of its own codes.
    fn literal_code(&mut self, valid: &[i64], other: &Node) {
        match other {
            Node::Num(n, at) => self.member(valid, *n, *at),
            Node::Neg(inner) => {
                if let Node::Num(n, at) = inner.as_ref() {
                    self.member(valid, -*n, *at);
                }
            }
            _ => {
                self.err(
                    other.span(),
                    "compare a choice with one of its option codes, not with a computed number"
                        .to_owned(),
                );
            }
        }
    }

    fn arity(
        &mut self,
        func: Func,
        args: &[Node],
        at: Span,
        want: std::ops::RangeInclusive<usize>,
    ) -> bool {
        if want.contains(&args.len()) {
            return true;
        }
        let (lo, hi) = (*want.start(), *want.end());
        let n = if lo == hi {
            format!("{lo}")
        } else if hi == usize::MAX {
            format!("at least {lo}")
        } else {
            format!("{lo} to {hi}")
        };
        self.err(
            at,
            format!(
                "{}() takes {n} argument(s), found {}",
                func.name(),
                args.len()
            ),
        );
        false
    }

    fn call(&mut self, func: Func, args: &[Node], at: Span) -> Ty {
        match func {
            Func::Answered | Func::Declined => {
                if self.arity(func, args, at, 1..=1) {
                    if let Node::Name(..) = &args[0] {
                        self.raw(&args[0]);
                    } else {
                        self.err(
                            args[0].span(),
                            format!("{}() takes an item id", func.name()),
                        );
                    }
                }
                Ty::Bool
            }
            Func::Selected => {
                if self.arity(func, args, at, 2..=2) {
                    match self.raw(&args[0]) {
                        Ty::Set(valid) => match &args[1] {
                            Node::Num(n, span) => self.member(&valid, *n, *span),
                            other => {
                                self.err(
                                    other.span(),
                                    "selected() takes an option code as its second argument"
                                        .to_owned(),
                                );
                            }
                        },
                        Ty::Error => {}
                        other => {
                            let d = other.describe();
                            self.err(
                                args[0].span(),
                                format!("selected() needs a multiple choice, found {d}"),
                            );
                        }
                    }
                }
                Ty::Bool
            }
            Func::Count => {
                if self.arity(func, args, at, 1..=1) {
                    match self.raw(&args[0]) {
                        Ty::Set(_) | Ty::Matrix(_) | Ty::Error => {}
                        other => {
                            let d = other.describe();
                            self.err(
                                args[0].span(),
                                format!("count() needs a multiple choice or a matrix, found {d}"),
                            );
                        }
                    }
                }
                Ty::Num
            }
            Func::CountTrue => {
                if self.arity(func, args, at, 1..=usize::MAX) {
                    for a in args {
                        let t = self.ty(a);
                        self.boolean(&t, a.span(), "count_true()");
                    }
                }
                Ty::Num
            }
            Func::Sum | Func::Min | Func::Max => {
                if self.arity(func, args, at, 1..=usize::MAX) {
                    for a in args {
                        let t = self.raw(a);
                        if !matches!(t, Ty::Matrix(_)) && !t.is_numeric() {
                            let d = t.describe();
                            self.err(
                                a.span(),
                                format!("{}() needs numbers, found {d}", func.name()),
                            );
                        }
                    }
                }
                Ty::Num
            }
            Func::If => {
                if !self.arity(func, args, at, 3..=3) {
                    return Ty::Error;
                }
                let c = self.ty(&args[0]);
                self.boolean(&c, args[0].span(), "if()");
                let (a, b) = (self.ty(&args[1]), self.ty(&args[2]));
                match (&a, &b) {
                    (Ty::Bool, Ty::Bool) => Ty::Bool,
                    (x, y) if x.is_numeric() && y.is_numeric() => Ty::Num,
                    _ => {
                        let (da, db) = (a.describe(), b.describe());
                        self.err(at, format!("if() branches differ: {da} and {db}"))
                    }
                }
            }
        }
    }
}
