//! The error a command returns: a message for the user, a hint, an exit code.

use crate::bindings::azlin::host::types::{Error as HostError, Failure as WitFailure};
use std::fmt;

/// Why a command failed. The host prints it on stderr and exits non-zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    message: String,
    hint: Option<String>,
    exit_code: u8,
}

impl Failure {
    /// A failure with exit code 1.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            exit_code: 1,
        }
    }

    /// A usage failure (bad arguments) with exit code 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(message).exit_code(2)
    }

    /// Adds a line telling the user how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the process exit code (0 is raised to 1 by the host).
    pub fn exit_code(mut self, code: u8) -> Self {
        self.exit_code = code;
        self
    }

    /// Converts into the WIT record.
    #[doc(hidden)]
    pub fn into_wit(self) -> WitFailure {
        WitFailure {
            message: self.message,
            hint: self.hint,
            exit_code: self.exit_code,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<HostError> for Failure {
    fn from(error: HostError) -> Self {
        match error {
            HostError::NotFound(what) => Failure::new(format!("not found: {what}")),
            HostError::AccessDenied(why) => Failure::new(format!("access denied: {why}")),
            HostError::Throttled(seconds) => Failure::new("Azure is throttling requests")
                .hint(format!("try again in {seconds} s")),
            HostError::Unavailable(why) => Failure::new(format!("unavailable: {why}")),
            HostError::Timeout(what) => Failure::new(format!("timed out: {what}")),
            HostError::InvalidInput(why) => Failure::usage(why),
            HostError::Remote(message) => Failure::new(message),
        }
    }
}
