//! Parse-time checks Go's template parser makes but `gotmpl` defers to
//! execution: a call to an undefined function must fail when the format is
//! parsed (docker: `template: :1: function "x" not defined`), even when
//! there are no items to render.

use gotmpl::parse::{Expr, ListNode, Node, Parser, PipeNode};
use gotmpl::{FuncMap, TemplateError};

/// gotmpl 0.6.1's builtins (its `funcs::builtins`, which it does not export).
const BUILTINS: &[&str] = &[
    "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "print", "println", "printf", "len",
    "index", "slice", "call", "html", "js", "urlquery",
];

/// Fails with a parse error naming the first undefined function.
pub fn undefined_functions(source: &str, funcs: &FuncMap) -> Result<(), TemplateError> {
    let (tree, defines) = Parser::new(source, "{{", "}}")?.parse()?;
    let mut checker = Checker {
        source,
        funcs,
        found: None,
    };
    checker.list(&tree);
    for define in &defines {
        checker.list(&define.body);
    }
    match checker.found {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

struct Checker<'a> {
    source: &'a str,
    funcs: &'a FuncMap,
    found: Option<TemplateError>,
}

impl Checker<'_> {
    fn list(&mut self, list: &ListNode) {
        for node in &list.nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::List(list) => self.list(list),
            Node::Action(action) => self.pipe(&action.pipe),
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                self.pipe(&branch.pipe);
                self.list(&branch.body);
                if let Some(else_body) = &branch.else_body {
                    self.list(else_body);
                }
            }
            Node::Template(template) => {
                if let Some(pipe) = &template.pipe {
                    self.pipe(pipe);
                }
            }
            Node::Define(define) => self.list(&define.body),
            Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        }
    }

    fn pipe(&mut self, pipe: &PipeNode) {
        for command in &pipe.commands {
            for arg in &command.args {
                self.expr(arg);
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Identifier(pos, name) => {
                let known =
                    BUILTINS.contains(&name.as_str()) || self.funcs.contains_key(name.as_str());
                if !known && self.found.is_none() {
                    let before = self.source.get(..pos.offset).unwrap_or_default();
                    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                    self.found = Some(TemplateError::Parse {
                        name: None,
                        line: pos.line,
                        col: before[line_start..].chars().count() + 1,
                        message: format!("function {:?} not defined", name.as_str()),
                    });
                }
            }
            Expr::Pipe(_, pipe) => self.pipe(pipe),
            Expr::Chain(_, inner, _) => self.expr(inner),
            _ => {}
        }
    }
}
