//! Showing a run to the user: events rendered on stdout, the outcome's
//! message on stderr, and the exit code.

use super::settings::Settings;
use crate::render::{self, Style};
use crate::runtime::{EXIT_INTERRUPTED, Event, Outcome, RunHandle, Status, Stop};
use std::io::{self, BufWriter, Write};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long an interrupted run may take to close its connections.
const CLOSE_BOUND: Duration = Duration::from_secs(2);

/// Renders a run as it happens and returns its exit code. A closed stdout
/// ends the run quietly with 0; Ctrl-C stops it, closes its connections
/// and exits with 130.
pub async fn run(mut handle: RunHandle, settings: &Settings) -> anyhow::Result<u8> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let rendered = tokio::select! {
        rendered = render::render(&mut handle.events, Some(render::Replies { answers: &handle.answers, terminal: &handle.terminal }), settings.format, settings.style, &mut out, &mut err) => rendered,
        _ = tokio::signal::ctrl_c() => {
            handle.cancel();
            drop(out);
            if tokio::time::timeout(CLOSE_BOUND, &mut handle.outcome).await.is_err() {
                handle.outcome.abort();
            }
            render::error(&mut err, "interrupted", settings.style.color_stderr)?;
            return Ok(EXIT_INTERRUPTED);
        }
    };
    let RunHandle {
        events, outcome, ..
    } = handle;
    drop(events);
    let outcome = outcome.await?;
    match rendered {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(0),
        Err(error) => return Err(error.into()),
        Ok(()) => {}
    }
    drop(out);
    report(&outcome, settings, &mut err)?;
    Ok(outcome.exit_code())
}

/// Renders events a meta-command produced itself.
pub async fn events(events: Vec<Event>, settings: &Settings) -> anyhow::Result<u8> {
    let (sender, mut receiver) = mpsc::channel(events.len().max(1));
    for event in events {
        sender.send(event).await.expect("the receiver is alive");
    }
    drop(sender);
    let mut out = BufWriter::new(io::stdout().lock());
    match render::render(
        &mut receiver,
        None,
        settings.format,
        settings.style,
        &mut out,
        &mut io::stderr(),
    )
    .await
    {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        Err(error) => Err(error.into()),
        Ok(()) => Ok(0),
    }
}

/// Prints the outcome's message, and the plugin's log when asked or useful,
/// their control characters escaped.
fn report(outcome: &Outcome, settings: &Settings, err: &mut dyn Write) -> io::Result<()> {
    let show_log =
        settings.verbosity > 0 || matches!(outcome.status, Status::Stopped(Stop::Trap(_)));
    if show_log && !outcome.log.trim().is_empty() {
        writeln!(err, "plugin '{}' log:", outcome.command)?;
        for line in outcome
            .log
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            writeln!(err, "  {}", render::neutral::line(line))?;
        }
    }
    let message = outcome.to_string();
    if !message.is_empty() {
        render::error(err, &message, settings.style.color_stderr)?;
    }
    Ok(())
}

/// Prints an error of the host itself, its causes, and returns exit code 1.
pub fn failure(error: &anyhow::Error, style: Style) -> u8 {
    let mut err = io::stderr();
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        message.push_str(&format!("\n  caused by: {cause}"));
    }
    let _ = render::error(&mut err, &message, style.color_stderr);
    1
}

/// Whether an error is stdout having been closed (a pipe whose reader quit).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
