//! `azlin agent status|stop`, and the hidden `agent serve` that azlin
//! starts in the background.

use crate::agent;
use crate::cli::args::{AgentCommand, GlobalArgs};
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::runtime::{Event, Value};
use std::ffi::OsString;

/// Whether the command line is `azlin agent serve …`.
pub fn is_serve(raw: &[OsString]) -> bool {
    raw.len() >= 3 && raw[1] == "agent" && raw[2] == "serve"
}

/// Runs `azlin agent COMMAND`.
pub async fn run(command: AgentCommand, global: &GlobalArgs) -> anyhow::Result<u8> {
    if let AgentCommand::Serve { idle_timeout } = command {
        anyhow::ensure!(
            idle_timeout.is_finite() && idle_timeout > 0.0,
            "--idle-timeout must be a positive number of seconds"
        );
        return match agent::serve(crate::clock::seconds(idle_timeout)).await {
            Ok(()) | Err(agent::AgentError::AlreadyRunning(_)) => Ok(0),
            Err(error) => Err(error.into()),
        };
    }
    let settings = Settings::resolve(global)?;
    let events = match command {
        AgentCommand::Status => match agent::status().await? {
            Some(status) => describe(&status),
            None => vec![Event::Text(
                "no agent is running; the next command starts one".into(),
            )],
        },
        AgentCommand::Stop => vec![Event::Text(
            if agent::stop().await? {
                "the agent is stopping"
            } else {
                "no agent was running"
            }
            .into(),
        )],
        AgentCommand::Serve { .. } => unreachable!("served above"),
    };
    show_run::events(events, &settings).await
}

fn describe(status: &agent::Status) -> Vec<Event> {
    let number = |n: u64| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let fields = vec![
        ("pid".into(), number(u64::from(status.pid))),
        (
            "socket".into(),
            Value::Text(status.socket.display().to_string()),
        ),
        ("build".into(), Value::Text(status.identity.clone())),
        ("uptime".into(), Value::DurationMs(status.uptime_ms)),
        (
            "idle_timeout".into(),
            Value::DurationMs(status.idle_timeout_ms),
        ),
        ("runs_served".into(), number(status.runs_served)),
        ("clients_now".into(), number(status.clients_now)),
        ("ssh_pools".into(), number(status.shared.pools as u64)),
        (
            "ssh_connections".into(),
            number(status.shared.connections as u64),
        ),
        ("open_caches".into(), number(status.shared.caches as u64)),
    ];
    vec![Event::Record {
        name: "agent".into(),
        fields,
    }]
}
