//! Evaluation with missing values and three-valued logic.

use super::parse::{BinOp, Func, Node};

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Missing,
    Bool(bool),
    Num(f64),
    /// The selected codes of a multiple choice.
    Set(Vec<i64>),
    /// The row values of a matrix.
    List(Vec<V>),
}

impl V {
    fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Numbers inside this value, flattening a matrix's rows.
    fn numbers(self, out: &mut Vec<f64>) {
        match self {
            V::Num(n) => out.push(n),
            V::List(rows) => rows.into_iter().for_each(|r| r.numbers(out)),
            _ => {}
        }
    }
}

/// What an expression can ask about the answers so far, by slot: the
/// evaluator's owner resolves names to slots once (`Node::resolve`), so no
/// name is looked up while evaluating. A name left unresolved is missing.
pub trait Env {
    /// The value of an item (as the patient sees it: hidden items are
    /// missing) or a score.
    fn value(&self, slot: u32) -> V;
    fn answered(&self, slot: u32) -> bool;
    fn declined(&self, slot: u32) -> bool;
}

pub fn eval(node: &Node, env: &dyn Env) -> V {
    match node {
        Node::Num(n, _) => V::Num(*n),
        Node::Bool(b, _) => V::Bool(*b),
        Node::Str(..) => V::Missing,
        Node::Name(..) => V::Missing,
        Node::Slot(slot, _) => env.value(*slot),
        Node::Neg(a) => eval(a, env).num().map_or(V::Missing, |n| V::Num(-n)),
        Node::Not(a) => eval(a, env).truth().map_or(V::Missing, |b| V::Bool(!b)),
        Node::In(a, codes, _) => match eval(a, env).num() {
            Some(n) => V::Bool(codes.iter().any(|(c, _)| *c == n)),
            None => V::Missing,
        },
        Node::Binary(op, a, b, _) => binary(*op, a, b, env),
        Node::Call(func, args, _) => call(*func, args, env),
    }
}

fn binary(op: BinOp, a: &Node, b: &Node, env: &dyn Env) -> V {
    match op {
        BinOp::And => match eval(a, env).truth() {
            Some(false) => V::Bool(false),
            left => match (left, eval(b, env).truth()) {
                (_, Some(false)) => V::Bool(false),
                (Some(true), Some(true)) => V::Bool(true),
                _ => V::Missing,
            },
        },
        BinOp::Or => match eval(a, env).truth() {
            Some(true) => V::Bool(true),
            left => match (left, eval(b, env).truth()) {
                (_, Some(true)) => V::Bool(true),
                (Some(false), Some(false)) => V::Bool(false),
                _ => V::Missing,
            },
        },
        _ => {
            let (x, y) = (eval(a, env), eval(b, env));
            if let (V::Bool(p), V::Bool(q)) = (&x, &y) {
                return match op {
                    BinOp::Eq => V::Bool(p == q),
                    BinOp::Ne => V::Bool(p != q),
                    _ => V::Missing,
                };
            }
            let (Some(x), Some(y)) = (x.num(), y.num()) else {
                return V::Missing;
            };
            match op {
                BinOp::Eq => V::Bool(x == y),
                BinOp::Ne => V::Bool(x != y),
                BinOp::Lt => V::Bool(x < y),
                BinOp::Le => V::Bool(x <= y),
                BinOp::Gt => V::Bool(x > y),
                BinOp::Ge => V::Bool(x >= y),
                BinOp::Add => V::Num(x + y),
                BinOp::Sub => V::Num(x - y),
                BinOp::Mul => V::Num(x * y),
                BinOp::Div if y != 0.0 => V::Num(x / y),
                _ => V::Missing,
            }
        }
    }
}

fn call(func: Func, args: &[Node], env: &dyn Env) -> V {
    match func {
        // A param (resolved to its number) counts as answered, never declined.
        Func::Answered => V::Bool(match args.first() {
            Some(Node::Slot(s, _)) => env.answered(*s),
            Some(Node::Num(..)) => true,
            _ => false,
        }),
        Func::Declined => V::Bool(match args.first() {
            Some(Node::Slot(s, _)) => env.declined(*s),
            _ => false,
        }),
        Func::Selected => {
            let code = match args.get(1) {
                Some(Node::Num(c, _)) => *c,
                _ => return V::Missing,
            };
            match args.first().map(|a| eval(a, env)) {
                Some(V::Set(codes)) => V::Bool(codes.iter().any(|&c| c as f64 == code)),
                _ => V::Missing,
            }
        }
        Func::Count => match args.first().map(|a| eval(a, env)) {
            Some(V::Set(codes)) => V::Num(codes.len() as f64),
            Some(V::List(rows)) => {
                V::Num(rows.iter().filter(|r| !matches!(r, V::Missing)).count() as f64)
            }
            _ => V::Missing,
        },
        Func::CountTrue => V::Num(
            args.iter()
                .filter(|a| eval(a, env) == V::Bool(true))
                .count() as f64,
        ),
        Func::Sum | Func::Min | Func::Max => {
            let mut nums = Vec::new();
            for a in args {
                eval(a, env).numbers(&mut nums);
            }
            let fold = match func {
                Func::Sum => nums.into_iter().reduce(|a, b| a + b),
                Func::Min => nums.into_iter().reduce(f64::min),
                _ => nums.into_iter().reduce(f64::max),
            };
            fold.map_or(V::Missing, V::Num)
        }
        Func::If => match args.first().map(|c| eval(c, env).truth()) {
            Some(Some(true)) => args.get(1).map_or(V::Missing, |a| eval(a, env)),
            Some(Some(false)) => args.get(2).map_or(V::Missing, |b| eval(b, env)),
            _ => V::Missing,
        },
    }
}
