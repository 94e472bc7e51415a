//! Stage 1: rule-file text → syntax tree ([`ast::File`]), with spans for every node.

pub mod ast;
pub mod err;
pub mod parse;

pub use err::SyntaxError;
pub use parse::parse;
