//! Access tokens from azure_identity: a service principal, workload identity,
//! managed identity or the Azure CLI login — the configured one, or the first
//! that works. Tokens stay in the host; plugins only ever see results.

use super::AzureError;
use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientSecretCredential,
    ManagedIdentityCredential, WorkloadIdentityCredential,
};
use std::sync::{Arc, OnceLock};
use tokio::sync::OnceCell;

/// How to get tokens (`auth_method` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// The first of the methods below that gives a token.
    Auto,
    ServicePrincipal,
    WorkloadIdentity,
    ManagedIdentity,
    Cli,
}

impl AuthMethod {
    /// Reads `auth_method`; `None` means auto.
    pub fn parse(value: Option<&str>) -> Result<Self, AzureError> {
        Ok(match value.unwrap_or("auto") {
            "auto" => AuthMethod::Auto,
            "service_principal" => AuthMethod::ServicePrincipal,
            "workload_identity" => AuthMethod::WorkloadIdentity,
            "managed_identity" => AuthMethod::ManagedIdentity,
            "cli" | "az_cli" => AuthMethod::Cli,
            other => return Err(AzureError::AuthMethod(other.into())),
        })
    }
}

type Candidate = (&'static str, Arc<dyn TokenCredential>);

/// Gets tokens for one scope, remembering which credential worked. The
/// credentials are made on the first request, so a run the cache answers
/// builds no HTTP client and reads no certificates.
#[derive(Debug)]
pub struct Tokens {
    scope: String,
    method: AuthMethod,
    tenant: Option<String>,
    credentials: OnceLock<Credentials>,
    chosen: OnceCell<usize>,
}

/// The credentials to try, and the methods not tried with the reason
/// (reported if none works).
#[derive(Debug)]
struct Credentials {
    candidates: Vec<Candidate>,
    skipped: Vec<String>,
}

impl Tokens {
    /// Credentials for `method`, asking for `scope`, in `tenant` if known.
    pub fn new(method: AuthMethod, scope: String, tenant: Option<String>) -> Self {
        Self {
            scope,
            method,
            tenant,
            credentials: OnceLock::new(),
            chosen: OnceCell::new(),
        }
    }

    /// Tokens from one given credential, e.g. one an embedding program or a
    /// test already holds.
    pub fn from_credential(
        name: &'static str,
        credential: Arc<dyn TokenCredential>,
        scope: String,
    ) -> Self {
        let tokens = Self::new(AuthMethod::Auto, scope, None);
        let _ = tokens.credentials.set(Credentials {
            candidates: vec![(name, credential)],
            skipped: Vec::new(),
        });
        tokens
    }

    fn credentials(&self) -> &Credentials {
        self.credentials
            .get_or_init(|| Credentials::for_method(self.method, self.tenant.clone()))
    }

    /// A bearer token: from the credential that worked before, else the first that works.
    pub async fn token(&self) -> Result<String, AzureError> {
        let Credentials {
            candidates,
            skipped,
        } = self.credentials();
        if let Some(&index) = self.chosen.get() {
            let (name, credential) = &candidates[index];
            return get(credential.as_ref(), &self.scope).await.map_err(|why| {
                AzureError::NoCredential {
                    tried: vec![format!("{name}: {why}")],
                }
            });
        }
        let mut tried = skipped.clone();
        for (index, (name, credential)) in candidates.iter().enumerate() {
            match get(credential.as_ref(), &self.scope).await {
                Ok(token) => {
                    let _ = self.chosen.set(index);
                    tracing::debug!("Azure token from {name}");
                    return Ok(token);
                }
                Err(why) => tried.push(format!("{name}: {why}")),
            }
        }
        Err(AzureError::NoCredential { tried })
    }
}

impl Credentials {
    /// The credentials `method` allows, in the order they are tried.
    fn for_method(method: AuthMethod, tenant: Option<String>) -> Self {
        let mut candidates = Vec::new();
        let mut skipped = Vec::new();
        let wanted = |this: AuthMethod| method == AuthMethod::Auto || method == this;
        let mut offer =
            |name: &'static str, made: Result<Arc<dyn TokenCredential>, String>| match made {
                Ok(credential) => candidates.push((name, credential)),
                Err(why) => skipped.push(format!("{name}: {why}")),
            };
        if wanted(AuthMethod::ServicePrincipal) {
            offer("service principal", service_principal());
        }
        if wanted(AuthMethod::WorkloadIdentity) {
            offer("workload identity", workload_identity());
        }
        if wanted(AuthMethod::ManagedIdentity) {
            offer(
                "managed identity",
                managed_identity(method == AuthMethod::ManagedIdentity),
            );
        }
        if wanted(AuthMethod::Cli) {
            offer("Azure CLI login", azure_cli(tenant));
        }
        Self {
            candidates,
            skipped,
        }
    }
}

async fn get(credential: &dyn TokenCredential, scope: &str) -> Result<String, String> {
    match credential.get_token(&[scope], None).await {
        Ok(token) => Ok(token.token.secret().to_string()),
        Err(error) => Err(error
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn service_principal() -> Result<Arc<dyn TokenCredential>, String> {
    let (Some(client), Some(secret), Some(tenant)) = (
        env("AZURE_CLIENT_ID"),
        env("AZURE_CLIENT_SECRET"),
        env("AZURE_TENANT_ID"),
    ) else {
        return Err(
            "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID are not all set".into(),
        );
    };
    let credential = ClientSecretCredential::new(&tenant, client, Secret::new(secret), None)
        .map_err(|error| error.to_string())?;
    Ok(credential)
}

fn workload_identity() -> Result<Arc<dyn TokenCredential>, String> {
    if env("AZURE_FEDERATED_TOKEN_FILE").is_none() {
        return Err("AZURE_FEDERATED_TOKEN_FILE is not set".into());
    }
    let credential = WorkloadIdentityCredential::new(None).map_err(|error| error.to_string())?;
    Ok(credential)
}

/// App Service style (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`) always; the
/// VM metadata service only when asked for by name, since probing it off
/// Azure costs a timeout.
fn managed_identity(explicit: bool) -> Result<Arc<dyn TokenCredential>, String> {
    if env("IDENTITY_ENDPOINT").is_none() && !explicit {
        return Err("IDENTITY_ENDPOINT is not set (set auth_method = \"managed_identity\" to use the VM metadata service)".into());
    }
    let credential = ManagedIdentityCredential::new(None).map_err(|error| error.to_string())?;
    Ok(credential)
}

fn azure_cli(tenant: Option<String>) -> Result<Arc<dyn TokenCredential>, String> {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("az").is_file()));
    if !on_path {
        return Err("the az command is not installed".into());
    }
    let options = AzureCliCredentialOptions {
        tenant_id: tenant,
        ..Default::default()
    };
    let credential = AzureCliCredential::new(Some(options)).map_err(|error| error.to_string())?;
    Ok(credential)
}
