//! `azlin:host/terminal`: the user's terminal joined to a session on a VM.
//! The keystrokes and output travel between the run's terminal channels
//! and the pooled SSH channel here; the plugin only waits for the status.

use super::HostError;
use super::views::RemoteView;
use crate::exchange::{Event, TerminalInput, TerminalOutput, WindowSize};
use crate::plugin::bindings::remote::Target;
use crate::plugin::bindings::terminal::{AttachOptions, Destination, Host};
use crate::plugin::bindings::types::Error;
use crate::ssh::{Pool, PtyRequest, ShellEnd, ShellInput, ShellIo, ShellRequest};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the terminal's owner may take to say it is ready.
const START_WAIT: Duration = Duration::from_secs(30);

impl Host for RemoteView<'_> {
    async fn attach(
        &mut self,
        destination: Destination,
        options: AttachOptions,
    ) -> Result<Option<i32>, HostError> {
        let target = match destination {
            Destination::Vm(vm) => Target::Vm(vm),
            Destination::Address(address) => Target::Address(address),
        };
        self.target_in_scope(&target)?;
        let fleet = self.fleet()?;
        let typed_key = |key| self.context.local.typed(key).map_err(Error::AccessDenied);
        let key = options.key.as_deref().map(typed_key).transpose()?;
        let keyed = key.map(|key| Arc::new(keyed_pool(fleet.pool(), key)));
        let fleet = match &keyed {
            Some(pool) => fleet.with_pool(pool.clone()),
            None => fleet,
        };
        let to = fleet.destination(&target, options.user.as_deref()).await?;
        let Some((events, input)) = self.output.terminal() else {
            return Err(Error::Unavailable("nobody shows this run".into()).into());
        };
        let mut link = Link {
            events,
            input,
            size: None,
        };
        let attached = link.attach(fleet.pool(), &to, &options).await;
        let _ = link
            .events
            .send(Event::Terminal(TerminalOutput::Closed))
            .await;
        if let Some(pool) = keyed {
            pool.close_all().await;
        }
        Ok(attached?)
    }
}

/// A pool like `pool` that logs in with `key` instead (`connect --key`).
fn keyed_pool(pool: &Pool, key: PathBuf) -> Pool {
    let mut settings = pool.settings().clone();
    settings.key = key;
    Pool::new(settings)
}

/// The run's terminal channels during one attach.
struct Link<'a> {
    events: &'a mpsc::Sender<Event>,
    input: &'a mut mpsc::Receiver<TerminalInput>,
    /// The latest size of the user's terminal, when it is one.
    size: Option<WindowSize>,
}

impl Link<'_> {
    /// Takes over the terminal and runs the session, starting it again after
    /// a dropped connection up to `options.reconnects` times.
    async fn attach(
        &mut self,
        pool: &Pool,
        to: &crate::ssh::Destination,
        options: &AttachOptions,
    ) -> Result<Option<i32>, Error> {
        let term = self.open().await?;
        let mut tries_left = options.reconnects;
        loop {
            let request = ShellRequest {
                command: options.command.clone(),
                pty: self.size.map(|size| PtyRequest {
                    term: term.clone(),
                    cols: size.cols,
                    rows: size.rows,
                }),
            };
            let connect_timeout = pool.settings().connect_timeout;
            let ended = pool.shell(to, &request, connect_timeout, self).await;
            let why = match ended {
                Ok(ShellEnd::Exited(status)) => return Ok(status),
                Ok(ShellEnd::Abandoned) => return Ok(None),
                Ok(ShellEnd::Dropped) => format!("the connection to {to} dropped"),
                Err(error) if tries_left == options.reconnects => {
                    return Err(super::remote::ssh_error(error));
                }
                Err(error) => error.to_string(),
            };
            if tries_left == 0 {
                return Err(Error::Unavailable(why));
            }
            let attempt = options.reconnects - tries_left + 1;
            let note = format!("{why}; reconnecting ({attempt} of {})", options.reconnects);
            let _ = self.events.send(Event::Warning(note)).await;
            tries_left -= 1;
        }
    }

    /// Asks the terminal's owner to take over; its `$TERM` once it has.
    async fn open(&mut self) -> Result<String, Error> {
        let unavailable = || Error::Unavailable("the terminal went away".into());
        self.events
            .send(Event::Terminal(TerminalOutput::Open))
            .await
            .map_err(|_| unavailable())?;
        let started = tokio::time::timeout(START_WAIT, async {
            loop {
                match self.input.recv().await {
                    Some(TerminalInput::Start { size, term }) => return Some((size, term)),
                    Some(_) => continue,
                    None => return None,
                }
            }
        })
        .await;
        let (size, term) = started.ok().flatten().ok_or_else(unavailable)?;
        self.size = size;
        Ok(term.unwrap_or_else(|| "xterm-256color".into()))
    }
}

impl ShellIo for Link<'_> {
    async fn input(&mut self) -> Option<ShellInput> {
        loop {
            return match self.input.recv().await? {
                TerminalInput::Data(bytes) => Some(ShellInput::Data(bytes)),
                TerminalInput::Eof => Some(ShellInput::Eof),
                TerminalInput::Resize(size) => Some(ShellInput::Resize {
                    cols: size.cols,
                    rows: size.rows,
                }),
                TerminalInput::Start { .. } => continue,
            };
        }
    }

    async fn output(&mut self, bytes: Vec<u8>, stderr: bool) -> bool {
        let output = if stderr {
            TerminalOutput::Stderr(bytes)
        } else {
            TerminalOutput::Stdout(bytes)
        };
        self.events.send(Event::Terminal(output)).await.is_ok()
    }

    fn resized(&mut self, cols: u16, rows: u16) {
        self.size = Some(WindowSize { cols, rows });
    }
}
