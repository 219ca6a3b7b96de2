//! Recursive-descent parser with a depth limit, so hostile input cannot
//! overflow the stack.

use super::lex::{Tok, Token};
use super::{ExprError, MAX_DEPTH, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Answered,
    Declined,
    Selected,
    Count,
    CountTrue,
    Sum,
    If,
    Min,
    Max,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "answered" => Func::Answered,
            "declined" => Func::Declined,
            "selected" => Func::Selected,
            "count" => Func::Count,
            "count_true" => Func::CountTrue,
            "sum" => Func::Sum,
            "if" => Func::If,
            "min" => Func::Min,
            "max" => Func::Max,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Answered => "answered",
            Func::Declined => "declined",
            Func::Selected => "selected",
            Func::Count => "count",
            Func::CountTrue => "count_true",
            Func::Sum => "sum",
            Func::If => "if",
            Func::Min => "min",
            Func::Max => "max",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Num(f64, Span),
    Str(String, Span),
    Bool(bool, Span),
    Name(String, Span),
    /// A name the evaluator's owner resolved to its own slot before
    /// evaluating (the runner does, once per questionnaire); the parser
    /// never makes one.
    Slot(u32, Span),
    Neg(Box<Node>),
    Not(Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>, Span),
    In(Box<Node>, Vec<(f64, Span)>, Span),
    Call(Func, Vec<Node>, Span),
}

impl Node {
    pub fn collect_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Node::Name(n, _) => out.push(n),
            Node::Neg(a) | Node::Not(a) | Node::In(a, _, _) => a.collect_names(out),
            Node::Binary(_, a, b, _) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Node::Call(_, args, _) => args.iter().for_each(|a| a.collect_names(out)),
            Node::Num(..) | Node::Str(..) | Node::Bool(..) | Node::Slot(..) => {}
        }
    }

    /// Every slot the expression reads, in order of appearance.
    pub fn collect_slots(&self, out: &mut Vec<u32>) {
        match self {
            Node::Slot(s, _) => out.push(*s),
            Node::Neg(a) | Node::Not(a) | Node::In(a, _, _) => a.collect_slots(out),
            Node::Binary(_, a, b, _) => {
                a.collect_slots(out);
                b.collect_slots(out);
            }
            Node::Call(_, args, _) => args.iter().for_each(|a| a.collect_slots(out)),
            Node::Num(..) | Node::Str(..) | Node::Bool(..) | Node::Name(..) => {}
        }
    }

    /// A copy with each name replaced by what `resolve` gives for it (a
    /// slot, or a param's number); names it does not know are kept.
    pub fn resolve(&self, resolve: &dyn Fn(&str, Span) -> Option<Node>) -> Node {
        let boxed = |a: &Node| Box::new(a.resolve(resolve));
        match self {
            Node::Name(n, at) => resolve(n, *at).unwrap_or_else(|| self.clone()),
            Node::Neg(a) => Node::Neg(boxed(a)),
            Node::Not(a) => Node::Not(boxed(a)),
            Node::In(a, codes, at) => Node::In(boxed(a), codes.clone(), *at),
            Node::Binary(op, a, b, at) => Node::Binary(*op, boxed(a), boxed(b), *at),
            Node::Call(f, args, at) => {
                Node::Call(*f, args.iter().map(|a| a.resolve(resolve)).collect(), *at)
            }
            Node::Num(..) | Node::Str(..) | Node::Bool(..) | Node::Slot(..) => self.clone(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Node::Num(_, s) | Node::Str(_, s) | Node::Bool(_, s) | Node::Name(_, s) => *s,
            Node::Slot(_, s) => *s,
            Node::Binary(_, _, _, s) | Node::In(_, _, s) | Node::Call(_, _, s) => *s,
            Node::Neg(a) | Node::Not(a) => a.span(),
        }
    }
}

pub fn parse(tokens: &[Token]) -> Result<Node, ExprError> {
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let node = p.or()?;
    match p.peek() {
        (Tok::End, _) => Ok(node),
        (tok, at) => Err(ExprError {
            at: *at,
            message: format!("unexpected {} after a complete expression", tok.describe()),
        }),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
}

type Res = Result<Node, ExprError>;

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The lexer always ends the list with `Tok::End`, and `bump` never
        // moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.0 != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Span, ExprError> {
        let (tok, at) = self.bump();
        if tok == want {
            Ok(at)
        } else {
            Err(ExprError {
                at,
                message: format!("expected {what}, found {}", tok.describe()),
            })
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError {
                at: self.peek().1,
                message: format!(
                    "expression is nested more than {MAX_DEPTH} levels deep (parentheses and \
                     operators count; for long lists use sum() or count_true())"
                ),
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Res {
        self.enter()?;
        let node = self.chain(|t| (*t == Tok::Or).then_some(BinOp::Or), Self::and)?;
        self.depth -= 1;
        Ok(node)
    }

    fn and(&mut self) -> Res {
        self.chain(|t| (*t == Tok::And).then_some(BinOp::And), Self::not)
    }

    /// A left-associative chain `next (op next)*`. Each operator nests the
    /// tree one level deeper, so it counts toward the depth limit: the
    /// checker and the evaluator recurse over the tree.
    fn chain(&mut self, op: fn(&Tok) -> Option<BinOp>, next: fn(&mut Self) -> Res) -> Res {
        let base = self.depth;
        let mut left = next(self)?;
        while let Some(op) = op(&self.peek().0) {
            let at = self.bump().1;
            self.enter()?;
            let right = next(self)?;
            left = Node::Binary(op, Box::new(left), Box::new(right), at);
        }
        self.depth = base;
        Ok(left)
    }

    fn not(&mut self) -> Res {
        if self.peek().0 == Tok::Not {
            self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Res {
        let left = self.sum()?;
        let op = match self.peek().0 {
            Tok::Eq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::In => return self.in_list(left),
            _ => return Ok(left),
        };
        let at = self.bump().1;
        let right = self.sum()?;
        Ok(Node::Binary(op, Box::new(left), Box::new(right), at))
    }

    fn in_list(&mut self, left: Node) -> Res {
        let at = self.bump().1;
        self.expect(Tok::LBracket, "'[' after 'in'")?;
        let mut list = Vec::new();
        loop {
            let (tok, span) = self.bump();
            match tok {
                Tok::Num(n) => list.push((n, span)),
                Tok::Minus => match self.bump() {
                    (Tok::Num(n), _) => list.push((-n, span)),
                    (other, at) => {
                        return Err(ExprError {
                            at,
                            message: format!("expected a number, found {}", other.describe()),
                        });
                    }
                },
                other => {
                    return Err(ExprError {
                        at: span,
                        message: format!(
                            "'in [..]' lists numbers (option codes), found {}",
                            other.describe()
                        ),
                    });
                }
            }
            match self.bump() {
                (Tok::Comma, _) => continue,
                (Tok::RBracket, _) => break,
                (other, at) => {
                    return Err(ExprError {
                        at,
                        message: format!("expected ',' or ']', found {}", other.describe()),
                    });
                }
            }
        }
        Ok(Node::In(Box::new(left), list, at))
    }

    fn sum(&mut self) -> Res {
        let op = |t: &Tok| match t {
            Tok::Plus => Some(BinOp::Add),
            Tok::Minus => Some(BinOp::Sub),
            _ => None,
        };
        self.chain(op, Self::product)
    }

    fn product(&mut self) -> Res {
        let op = |t: &Tok| match t {
            Tok::Star => Some(BinOp::Mul),
            Tok::Slash => Some(BinOp::Div),
            _ => None,
        };
        self.chain(op, Self::unary)
    }

    fn unary(&mut self) -> Res {
        if self.peek().0 == Tok::Minus {
            self.bump();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Node::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Res {
        let (tok, at) = self.bump();
        match tok {
            Tok::Num(n) => Ok(Node::Num(n, at)),
            Tok::Str(s) => Ok(Node::Str(s, at)),
            Tok::True => Ok(Node::Bool(true, at)),
            Tok::False => Ok(Node::Bool(false, at)),
            Tok::LParen => {
                let inner = self.or()?;
                self.expect(Tok::RParen, "')'")?;
                Ok(inner)
            }
            Tok::Name(name) if self.peek().0 == Tok::LParen => {
                let Some(func) = Func::from_name(&name) else {
                    return Err(ExprError {
                        at,
                        message: format!(
                            "unknown function '{name}' (known: answered, declined, selected, \
                             count, count_true, sum, if, min, max)"
                        ),
                    });
                };
                self.bump();
                let mut args = Vec::new();
                if self.peek().0 != Tok::RParen {
                    loop {
                        args.push(self.or()?);
                        if self.peek().0 == Tok::Comma {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RParen, "',' or ')'")?;
                Ok(Node::Call(func, args, at))
            }
            Tok::Name(name) => Ok(Node::Name(name, at)),
            other => Err(ExprError {
                at,
                message: format!("expected a value, found {}", other.describe()),
            }),
        }
    }
}
