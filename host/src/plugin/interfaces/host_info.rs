//! `azlin:host/host-info`: the host's version, the run's invocation, the
//! clock, and the settings plugins may read.

use super::HostError;
use super::views::ContextView;
use crate::config::{PLUGIN_READABLE, PluginRead};
use crate::exchange::Format;
use crate::plugin::bindings::host_info::{Host, InvocationInfo, OutputFormat};
use crate::plugin::bindings::types::Error;

impl Host for ContextView<'_> {
    async fn host_version(&mut self) -> wasmtime::Result<String> {
        Ok(env!("CARGO_PKG_VERSION").into())
    }

    async fn invocation(&mut self) -> wasmtime::Result<InvocationInfo> {
        let invocation = &self.context.invocation;
        let format = match invocation.format {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Csv => OutputFormat::Csv,
            Format::Tsv => OutputFormat::Tsv,
        };
        Ok(InvocationInfo {
            command: invocation.command.clone(),
            format,
            interactive: invocation.interactive,
            width: invocation.width,
            verbosity: invocation.verbosity,
        })
    }

    async fn now_ms(&mut self) -> wasmtime::Result<u64> {
        Ok(crate::clock::now_ms())
    }

    async fn config_value(&mut self, key: String) -> Result<Option<String>, HostError> {
        Ok(self
            .context
            .config
            .plugin_value(&key)
            .map_err(|denied| match denied {
                PluginRead::Denied => Error::AccessDenied(format!(
                    "plugins may not read setting '{key}'; readable settings: {}",
                    PLUGIN_READABLE.join(", ")
                )),
                PluginRead::Invalid(why) => {
                    Error::InvalidInput(format!("setting key '{key}': {why}"))
                }
            })?)
    }
}
