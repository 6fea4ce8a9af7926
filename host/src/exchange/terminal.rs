//! A terminal session's traffic (`connect`): what the host sends the
//! terminal's owner besides events, and what the owner sends back. In the
//! agent both travel over its socket, so the terminal stays in the client.

use serde::{Deserialize, Serialize};

/// A terminal's size in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSize {
    pub cols: u16,
    pub rows: u16,
}

/// From the run to whoever shows it, inside [`super::Event::Terminal`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TerminalOutput {
    /// Take over the terminal: answer with [`TerminalInput::Start`], then
    /// send keystrokes until `Closed`.
    Open,
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// The remote side ended; give the terminal back.
    Closed,
}

/// From the terminal's owner to the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TerminalInput {
    /// The terminal is ready: its size when it is a terminal (the remote
    /// side then gets a pseudo-terminal), and `$TERM`.
    Start {
        size: Option<WindowSize>,
        term: Option<String>,
    },
    Data(Vec<u8>),
    /// Standard input ended (piped input only).
    Eof,
    Resize(WindowSize),
}
