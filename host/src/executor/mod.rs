//! Adaptive parallel fan-out: one task per host, as many at once as the
//! fleet and the machine allow, results in the order hosts finish.

mod fanout;
mod workers;

pub use fanout::{FanOut, Lost};
pub use workers::workers;
