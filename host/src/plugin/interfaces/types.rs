//! `azlin:host/types`: only types; its one function turns a host function's
//! [`HostError`] into the plugin's `error` or a trap, on every view.

use super::host_error::HostError;
use super::views::{AzureView, CacheView, ContextView, OutputView, RemoteView};
use crate::plugin::bindings::types::{Error, Host};

macro_rules! converts_errors {
    ($($view:ty),* $(,)?) => {$(
        impl Host for $view {
            fn convert_error(&mut self, error: HostError) -> wasmtime::Result<Error> {
                error.into_answer()
            }
        }
    )*};
}

converts_errors!(
    ContextView<'_>,
    OutputView<'_>,
    AzureView<'_>,
    CacheView<'_>,
    RemoteView<'_>,
);
