//! Snapshots of a refreshing command (`top`) drawn in place on a terminal:
//! each over the last on the alternate screen, and the final one left on
//! the normal screen when the command ends, as `top` and `watch` users expect.
//! Output before the first snapshot ends is written at once, so commands
//! that never refresh stream exactly as they would without a terminal.

use std::io::{self, Write};

/// Switches to the alternate screen and hides the cursor.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l";
/// Shows the cursor and switches back to the normal screen.
const LEAVE: &[u8] = b"\x1b[?25h\x1b[?1049l";
/// Moves the cursor home and clears the screen.
const CLEAR: &[u8] = b"\x1b[H\x1b[2J";
/// The first snapshot is kept (to redraw it) only up to this size.
const FIRST_KEPT: usize = 1 << 20;

/// What is on the terminal: the first snapshot as streamed, the snapshot
/// being built, the last one drawn.
#[derive(Default)]
pub struct Screen {
    first: Vec<u8>,
    pending: Vec<u8>,
    last: Vec<u8>,
    entered: bool,
}

impl Screen {
    /// Writes output that comes before any snapshot ended straight to
    /// `out`, keeping a copy in case it turns out to be the first snapshot;
    /// later output waits for its snapshot to end.
    pub fn write(&mut self, bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if self.entered {
            self.pending.extend_from_slice(bytes);
            return Ok(());
        }
        if self.first.len() + bytes.len() <= FIRST_KEPT {
            self.first.extend_from_slice(bytes);
        }
        out.write_all(bytes)
    }

    /// Ends a snapshot: draws it over the one before, in one write.
    pub fn show(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut frame = Vec::with_capacity(self.pending.len() + 32);
        if !self.entered {
            frame.extend_from_slice(ENTER);
            self.entered = true;
            self.pending = self.first.clone();
        }
        frame.extend_from_slice(CLEAR);
        frame.extend_from_slice(&self.pending);
        out.write_all(&frame)?;
        self.last = std::mem::take(&mut self.pending);
        Ok(())
    }

    /// Back on the normal screen: the first snapshot, as streamed, is
    /// replaced by the last one (or an unfinished one after it).
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.entered {
            return Ok(());
        }
        self.entered = false;
        out.write_all(&self.farewell())
    }

    fn farewell(&mut self) -> Vec<u8> {
        let mut bytes = LEAVE.to_vec();
        let lines = self.first.iter().filter(|&&b| b == b'\n').count();
        if lines > 0 {
            bytes.extend_from_slice(format!("\x1b[{lines}F\x1b[J").as_bytes());
        }
        let shown = if self.pending.is_empty() {
            &self.last
        } else {
            &self.pending
        };
        bytes.extend_from_slice(shown);
        bytes
    }
}

impl Drop for Screen {
    /// A run cut short (Ctrl-C) still gives the user their terminal back.
    fn drop(&mut self) {
        if self.entered {
            let mut stdout = io::stdout();
            let _ = stdout.write_all(&self.farewell());
            let _ = stdout.flush();
        }
    }
}
