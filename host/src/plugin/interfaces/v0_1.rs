//! `azlin:host@0.1.1`, served beside the current package so plugins built
//! against 0.1 keep linking: every call goes to the current interface's
//! implementation, its records converted field by field (the shapes are the
//! same; the Rust types differ because each package version has its own).

use super::HostError;
use crate::plugin::bindings::types::{PowerState, Value, Vm, VmRef};
use crate::plugin::bindings::v0_1::{cache, host_info, output, remote, vm_control, vms};
use crate::plugin::bindings::{
    cache as current_cache, host_info as current_host_info, output as current_output,
    remote as current_remote, vm_control as current_vm_control, vms as current_vms,
};
use crate::plugin::interfaces::remote::Batch;
use crate::plugin::interfaces::views::{
    self, AzureView, CacheView, ContextView, OutputView, RemoteView,
};
use crate::plugin::state::HostState;
use wasmtime::component::{Linker, Resource};

/// Adds the 0.1 interfaces to `linker`, under their 0.1.1 names.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.instance("azlin:host/types@0.1.1")?;
    output::add_to_linker::<HostState, views::Output>(linker, HostState::output_view)?;
    host_info::add_to_linker::<HostState, views::Context>(linker, HostState::context_view)?;
    vms::add_to_linker::<HostState, views::Azure>(linker, HostState::azure_view)?;
    vm_control::add_to_linker::<HostState, views::Azure>(linker, HostState::azure_view)?;
    remote::add_to_linker::<HostState, views::Remote>(linker, HostState::remote_view)?;
    cache::add_to_linker::<HostState, views::Cache>(linker, HostState::cache_view)?;
    Ok(())
}

impl output::Host for OutputView<'_> {
    async fn begin_table(
        &mut self,
        name: String,
        columns: Vec<output::Column>,
    ) -> Result<(), HostError> {
        let columns = columns.into_iter().map(column).collect();
        current_output::Host::begin_table(self, name, columns).await
    }

    async fn row(&mut self, cells: Vec<Value>) -> Result<(), HostError> {
        current_output::Host::row(self, cells).await
    }

    async fn record(
        &mut self,
        name: String,
        fields: Vec<(String, Value)>,
    ) -> Result<(), HostError> {
        current_output::Host::record(self, name, fields).await
    }

    async fn text(&mut self, line: String) -> wasmtime::Result<()> {
        current_output::Host::text(self, line).await
    }

    async fn warn(&mut self, message: String) -> wasmtime::Result<()> {
        current_output::Host::warn(self, message).await
    }

    async fn report_progress(&mut self, progress: output::Progress) -> wasmtime::Result<()> {
        let output::Progress { label, done, total } = progress;
        let progress = current_output::Progress { label, done, total };
        current_output::Host::report_progress(self, progress).await
    }

    async fn end_frame(&mut self) -> wasmtime::Result<()> {
        current_output::Host::end_frame(self).await
    }

    async fn confirm(&mut self, question: String) -> Result<bool, HostError> {
        current_output::Host::confirm(self, question).await
    }
}

fn column(column: output::Column) -> current_output::Column {
    let align = match column.align {
        output::Align::Left => current_output::Align::Left,
        output::Align::Right => current_output::Align::Right,
    };
    current_output::Column {
        key: column.key,
        title: column.title,
        align,
    }
}

impl host_info::Host for ContextView<'_> {
    async fn host_version(&mut self) -> wasmtime::Result<String> {
        current_host_info::Host::host_version(self).await
    }

    async fn invocation(&mut self) -> wasmtime::Result<host_info::InvocationInfo> {
        let current = current_host_info::Host::invocation(self).await?;
        let format = match current.format {
            current_host_info::OutputFormat::Table => host_info::OutputFormat::Table,
            current_host_info::OutputFormat::Json => host_info::OutputFormat::Json,
            current_host_info::OutputFormat::Csv => host_info::OutputFormat::Csv,
            current_host_info::OutputFormat::Tsv => host_info::OutputFormat::Tsv,
        };
        Ok(host_info::InvocationInfo {
            command: current.command,
            format,
            interactive: current.interactive,
            width: current.width,
            verbosity: current.verbosity,
        })
    }

    async fn now_ms(&mut self) -> wasmtime::Result<u64> {
        current_host_info::Host::now_ms(self).await
    }

    async fn config_value(&mut self, key: String) -> Result<Option<String>, HostError> {
        current_host_info::Host::config_value(self, key).await
    }
}

impl vms::Host for AzureView<'_> {
    async fn list_vms(&mut self, filter: vms::VmFilter) -> Result<Vec<Vm>, HostError> {
        let filter = current_vms::VmFilter {
            resource_group: filter.resource_group,
            all_resource_groups: filter.all_resource_groups,
            include_stopped: filter.include_stopped,
            name_pattern: filter.name_pattern,
            tags: filter.tags,
            refresh: filter.refresh,
        };
        current_vms::Host::list_vms(self, filter).await
    }

    async fn get_vm(&mut self, resource_group: String, name: String) -> Result<Vm, HostError> {
        current_vms::Host::get_vm(self, resource_group, name).await
    }
}

impl vm_control::Host for AzureView<'_> {
    async fn start(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        current_vm_control::Host::start(self, vm).await
    }

    async fn stop(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        current_vm_control::Host::stop(self, vm).await
    }

    async fn deallocate(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        current_vm_control::Host::deallocate(self, vm).await
    }

    async fn restart(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        current_vm_control::Host::restart(self, vm).await
    }
}

impl remote::Host for RemoteView<'_> {
    async fn exec(
        &mut self,
        target: remote::Target,
        command: String,
        options: remote::ExecOptions,
    ) -> Result<remote::ExecOutput, HostError> {
        let ran =
            current_remote::Host::exec(self, to_current(target), command, options_of(options));
        Ok(exec_output(ran.await?))
    }
}

impl remote::HostBatch for RemoteView<'_> {
    async fn new(
        &mut self,
        targets: Vec<remote::Target>,
        command: String,
        options: remote::ExecOptions,
        max_workers: Option<u32>,
    ) -> wasmtime::Result<Resource<Batch>> {
        let targets = targets.into_iter().map(to_current).collect();
        let options = options_of(options);
        current_remote::HostBatch::new(self, targets, command, options, max_workers).await
    }

    async fn next(
        &mut self,
        batch: Resource<Batch>,
    ) -> Result<Option<remote::BatchResult>, HostError> {
        let next = current_remote::HostBatch::next(self, batch).await?;
        Ok(next.map(|result| remote::BatchResult {
            target: from_current(result.target),
            outcome: result.outcome.map(exec_output),
        }))
    }

    async fn pending(&mut self, batch: Resource<Batch>) -> wasmtime::Result<u32> {
        current_remote::HostBatch::pending(self, batch).await
    }

    async fn drop(&mut self, batch: Resource<Batch>) -> wasmtime::Result<()> {
        current_remote::HostBatch::drop(self, batch).await
    }
}

fn to_current(target: remote::Target) -> current_remote::Target {
    match target {
        remote::Target::Vm(vm) => current_remote::Target::Vm(vm),
        remote::Target::Address(address) => current_remote::Target::Address(address),
    }
}

fn from_current(target: current_remote::Target) -> remote::Target {
    match target {
        current_remote::Target::Vm(vm) => remote::Target::Vm(vm),
        current_remote::Target::Address(address) => remote::Target::Address(address),
    }
}

fn options_of(options: remote::ExecOptions) -> current_remote::ExecOptions {
    current_remote::ExecOptions {
        timeout_ms: options.timeout_ms,
        user: options.user,
        stdin: options.stdin,
    }
}

fn exec_output(output: current_remote::ExecOutput) -> remote::ExecOutput {
    remote::ExecOutput {
        exit_code: output.exit_code,
        stdout: output.stdout,
        stderr: output.stderr,
        duration_ms: output.duration_ms,
        reused_connection: output.reused_connection,
    }
}

impl cache::Host for CacheView<'_> {
    async fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, HostError> {
        current_cache::Host::get(self, key).await
    }

    async fn put(
        &mut self,
        key: String,
        value: Vec<u8>,
        ttl_seconds: u32,
    ) -> Result<(), HostError> {
        current_cache::Host::put(self, key, value, ttl_seconds).await
    }

    async fn invalidate(&mut self, prefix: String) -> Result<u32, HostError> {
        current_cache::Host::invalidate(self, prefix).await
    }
}
