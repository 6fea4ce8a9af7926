//! Errors of the Azure layer, each naming what failed and how to fix it.

use crate::config::{ConfigError, ScopeUnreadable};
use std::sync::Arc;
use std::time::Duration;

/// Why an Azure request did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    #[error("ARM endpoint '{url}' cannot be used: {why}")]
    Endpoint { url: String, why: &'static str },
    #[error(
        "unknown auth_method '{0}' in config.toml; use auto, cli, service_principal, managed_identity or workload_identity"
    )]
    AuthMethod(String),
    #[error("no Azure credential worked. Tried:\n{}\nhint: run `az login`, or set AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID", tried.iter().map(|line| format!("  - {line}")).collect::<Vec<_>>().join("\n"))]
    NoCredential { tried: Vec<String> },
    #[error(
        "no subscription chosen\nhint: set subscription_id in the active context (~/.azlin/contexts/NAME.toml) or AZURE_SUBSCRIPTION_ID"
    )]
    NoSubscription,
    #[error(transparent)]
    Scope(#[from] ScopeUnreadable),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The inventory failed to build earlier in this run; every call says why.
    #[error(transparent)]
    Unavailable(Arc<AzureError>),
    #[error("Azure is not available while a plugin describes itself")]
    Describing,
    #[error("Azure answered {status} {code}: {message}")]
    Arm {
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "Azure kept failing for {url}: gave up after {attempts} attempts in {elapsed:.1?} (last answer: {last})"
    )]
    GaveUp {
        url: String,
        attempts: u32,
        elapsed: Duration,
        last: String,
    },
    #[error("request to {url} failed: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("unexpected answer from {url}: {why}")]
    Decode { url: String, why: String },
    #[error("stopped reading the list at {url}: {why}; nothing was cached")]
    Paging { url: String, why: String },
    #[error("Azure sent a link away from the ARM endpoint ({0}); refusing to send the token there")]
    ForeignLink(String),
    #[error("refusing to send a write to {url}: {why}")]
    OutOfScope { url: String, why: String },
    #[error("the operation on {target} failed: {status}")]
    Operation { target: String, status: String },
}

impl AzureError {
    /// Whether Azure said the thing does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, AzureError::Arm { status: 404, .. })
    }
}
