//! What a run exchanges with whoever started it, in process or through the
//! agent: the events a plugin emits and the answers it gets, the terminal's
//! bytes both ways, the invocation facts it may read, how it ended, and how
//! its text is made safe for a terminal. A leaf: runtime, plugin, render and
//! agent all speak these types.

pub mod events;
mod invocation;
pub mod neutral;
mod outcome;
mod terminal;

pub use events::{Align, Answer, Column, Event, Progress, Value};
pub use invocation::{Format, Invocation};
pub use outcome::{EXIT_INTERRUPTED, EXIT_STOPPED, Failure, Outcome, Status, Stop};
pub use terminal::{TerminalInput, TerminalOutput, WindowSize};
