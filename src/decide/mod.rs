//! Stage 4: deciding orders, with the compiled tree (fast) or rule by rule (reference).

mod ahead;
mod order;
mod outcome;
mod raw;
pub mod reference;
mod tree;

pub use ahead::{Ahead, Found};
pub use order::{Order, Value, derive_values, derived};
pub use outcome::{Decided, Outcome, decide_one, resolve, resolve_split};
pub use raw::{decide_raw, decide_raw_id};
pub use tree::{Outcomes, Scratch, decide, decide_id};
