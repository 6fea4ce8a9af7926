//! Azure clients pointed at a running `azlin-sim`.

use crate::{Env, Output, Run, Via};
use azlin::azure::{ArmClient, Endpoint, RetryPolicy, Tokens};
use azlin_sim::{Options, SUBSCRIPTION, Sim, TOKEN};
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use std::sync::Arc;
use std::time::Duration;

/// Hands out the simulator's token (the credential chain is tested apart,
/// through the real credentials in a child process's environment).
#[derive(Debug)]
pub struct SimToken;

#[async_trait::async_trait]
impl TokenCredential for SimToken {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let expires = azure_core::time::OffsetDateTime::now_utc() + Duration::from_secs(3600);
        Ok(AccessToken::new(Secret::new(TOKEN), expires))
    }
}

/// Retries quick enough for tests.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(2),
        total: Duration::from_secs(5),
    }
}

/// An ARM client for the simulator's subscription.
pub fn client(sim: &Sim, retry: RetryPolicy) -> ArmClient {
    let endpoint = Endpoint::parse(&sim.url()).expect("loopback endpoint");
    let tokens = Tokens::from_credential("sim", Arc::new(SimToken), endpoint.scope());
    ArmClient::new(endpoint, tokens, SUBSCRIPTION.into(), retry)
}

/// A simulator of `vms` VMs whose first ones are `fleet`'s sshd hosts.
pub async fn start_for(fleet: &crate::fleet::Fleet, vms: usize) -> Sim {
    start(Options {
        vms,
        addresses: fleet.addresses(),
        ..Options::default()
    })
    .await
}

/// Starts a simulator on a free loopback port.
pub async fn start(options: Options) -> Sim {
    Sim::start(options, 0).await.expect("the simulator starts")
}

/// Runs the built `azlin` as `env`'s user, pointed at `sim`.
pub async fn azlin(env: &Env, sim: &Sim, args: &[&str]) -> Output {
    let run = azlin_at(env, sim, args);
    tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("the run finishes")
}

/// Runs the built `azlin` as `env`'s user, pointed at `sim`, `via` the
/// runtime a test chose.
pub async fn azlin_via(env: &Env, sim: &Sim, via: &Via, args: &[&str]) -> Output {
    let run = via.run(azlin_at(env, sim, args));
    tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("the run finishes")
}

/// The built `azlin` as `env`'s user, pointed at `sim`, ready to run.
pub fn azlin_at(env: &Env, sim: &Sim, args: &[&str]) -> Run {
    let mut run = env.azlin(args);
    for (name, value) in sim.environment() {
        run = run.env(&name, &value);
    }
    run
}

/// Every resource id `sim` holds.
pub async fn resources(sim: &Sim) -> Vec<String> {
    reqwest::get(format!("{}/_sim/resources", sim.url()))
        .await
        .expect("ask the simulator")
        .json()
        .await
        .expect("a JSON list of ids")
}
