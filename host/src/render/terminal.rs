//! The client's side of a terminal session (`connect`): the local terminal
//! in raw mode (restored on every way out), keystrokes and window sizes
//! sent to the run, the remote output written straight through.

use super::neutral;
use crate::runtime::{Event, TerminalInput, TerminalOutput, WindowSize};
use rustix::termios::{self, OptionalActions, Termios};
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::AsFd;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// Exit code after SIGTERM or SIGHUP ended a session (128 + SIGTERM).
const EXIT_TERMINATED: i32 = 143;

/// Runs the session the run just opened: until it says `Closed`, or its
/// events end (the run or the agent went away). The terminal is given back
/// as it was found before this returns, or before the process exits on
/// SIGTERM or SIGHUP.
pub async fn session(
    events: &mut mpsc::Receiver<Event>,
    input: &mpsc::Sender<TerminalInput>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    // A pseudo-terminal only when both ends are the user's terminal: output
    // sent to a file or pipe stays byte for byte what the command wrote.
    let on_terminal = io::stdin().is_terminal() && io::stdout().is_terminal();
    let size = if on_terminal { window_size() } else { None };
    let raw = if on_terminal {
        Some(RawMode::enter()?)
    } else {
        None
    };
    let term = std::env::var("TERM").ok();
    if input
        .send(TerminalInput::Start { size, term })
        .await
        .is_err()
    {
        return Ok(());
    }
    forward_stdin(input.clone(), on_terminal);
    let mut resized = signal(SignalKind::window_change())?;
    let mut terminated = signal(SignalKind::terminate())?;
    let mut hung_up = signal(SignalKind::hangup())?;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(Event::Terminal(TerminalOutput::Stdout(bytes))) => {
                    out.write_all(&bytes)?;
                    out.flush()?;
                }
                Some(Event::Terminal(TerminalOutput::Stderr(bytes))) => {
                    err.write_all(&bytes)?;
                    err.flush()?;
                }
                Some(Event::Warning(message)) => {
                    let message = neutral::lines(&message).replace('\n', "\r\n");
                    let line = format!("\r\nwarning: {message}\r\n");
                    err.write_all(line.as_bytes())?;
                    err.flush()?;
                }
                Some(Event::Terminal(TerminalOutput::Closed)) | None => break,
                Some(_) => {}
            },
            _ = resized.recv() => {
                if let Some(size) = window_size() {
                    let _ = input.send(TerminalInput::Resize(size)).await;
                }
            }
            _ = terminated.recv() => leave(raw),
            _ = hung_up.recv() => leave(raw),
        }
    }
    drop(raw);
    Ok(())
}

/// Gives the terminal back and exits, as a terminated process would.
fn leave(raw: Option<RawMode>) -> ! {
    drop(raw);
    std::process::exit(EXIT_TERMINATED)
}

/// The size of the terminal on standard input.
fn window_size() -> Option<WindowSize> {
    let size = termios::tcgetwinsize(io::stdin().as_fd()).ok()?;
    (size.ws_col > 0 && size.ws_row > 0).then_some(WindowSize {
        cols: size.ws_col,
        rows: size.ws_row,
    })
}

/// Reads standard input on a thread of its own (a blocking read must not
/// hold up the runtime, or its shutdown) and sends it to the run; piped
/// input ends with `Eof`.
fn forward_stdin(input: mpsc::Sender<TerminalInput>, on_terminal: bool) {
    let reader = move || {
        let mut stdin = io::stdin().lock();
        let mut buffer = vec![0u8; 16 << 10];
        loop {
            let message = match stdin.read(&mut buffer) {
                Ok(0) if !on_terminal => TerminalInput::Eof,
                Ok(0) => return,
                Ok(read) => TerminalInput::Data(buffer[..read].to_vec()),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => TerminalInput::Eof,
            };
            let last = message == TerminalInput::Eof;
            if input.blocking_send(message).is_err() || last {
                return;
            }
        }
    };
    let _ = std::thread::Builder::new()
        .name("azlin-stdin".into())
        .spawn(reader);
}

/// The terminal on standard input switched to raw mode, switched back when
/// dropped (panics included).
struct RawMode {
    saved: Termios,
}

impl RawMode {
    fn enter() -> io::Result<Self> {
        let stdin = io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd())?;
        let mut raw = saved.clone();
        raw.make_raw();
        termios::tcsetattr(stdin.as_fd(), OptionalActions::Now, &raw)?;
        Ok(Self { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(io::stdin().as_fd(), OptionalActions::Now, &self.saved);
    }
}
