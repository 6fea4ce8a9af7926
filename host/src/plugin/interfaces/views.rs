//! The narrow views each WIT interface is implemented on: a host function
//! reaches only the part of the run's store data its interface needs (as
//! wasmtime-wasi's `WasiCtxView` does), so what an interface can touch is
//! read from its view's fields.

use super::refreshes::Refreshes;
use crate::memory::Account;
use crate::plugin::meter::Meter;
use crate::plugin::state::{HostState, OutputSink, RunContext};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{HasData, ResourceTable};

/// The run's facts alone: `host-info` and `settings`.
pub struct ContextView<'a> {
    pub context: &'a RunContext,
}

/// Where the plugin's output goes: `output`.
pub struct OutputView<'a> {
    pub context: &'a RunContext,
    pub output: &'a mut OutputSink,
}

/// Azure through the run's session: `vms` and `vm-control` (whose list
/// warnings reach the output, and whose re-reads are counted).
pub struct AzureView<'a> {
    pub context: &'a RunContext,
    pub output: &'a mut OutputSink,
    pub refreshes: &'a mut Refreshes,
}

/// The plugin's own cache entries, their work charged to the run: `cache`.
pub struct CacheView<'a> {
    pub context: &'a RunContext,
    pub meter: &'a Arc<Meter>,
}

/// The SSH pool, held to the run's deadline and memory: `remote` (and its
/// batches, kept in the resource table), `terminal` and `transfer`.
pub struct RemoteView<'a> {
    pub context: &'a RunContext,
    pub output: &'a mut OutputSink,
    pub table: &'a mut ResourceTable,
    pub deadline: Instant,
    pub memory: &'a Arc<Account>,
}

/// Declares a [`HasData`] marker for a view.
macro_rules! has_data {
    ($($marker:ident => $view:ident),* $(,)?) => {$(
        #[doc = concat!("[`HasData`] for [`", stringify!($view), "`].")]
        pub struct $marker;

        impl HasData for $marker {
            type Data<'a> = $view<'a>;
        }
    )*};
}

has_data!(
    Context => ContextView,
    Output => OutputView,
    Azure => AzureView,
    Cache => CacheView,
    Remote => RemoteView,
);

impl HostState {
    pub(crate) fn context_view(&mut self) -> ContextView<'_> {
        ContextView {
            context: &self.context,
        }
    }

    pub(crate) fn output_view(&mut self) -> OutputView<'_> {
        OutputView {
            context: &self.context,
            output: &mut self.output,
        }
    }

    pub(crate) fn azure_view(&mut self) -> AzureView<'_> {
        AzureView {
            context: &self.context,
            output: &mut self.output,
            refreshes: &mut self.refreshes,
        }
    }

    pub(crate) fn cache_view(&mut self) -> CacheView<'_> {
        CacheView {
            context: &self.context,
            meter: &self.meter,
        }
    }

    pub(crate) fn remote_view(&mut self) -> RemoteView<'_> {
        RemoteView {
            context: &self.context,
            output: &mut self.output,
            table: &mut self.table,
            deadline: self.deadline,
            memory: &self.memory,
        }
    }
}
