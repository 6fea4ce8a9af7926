//! A scope's VMs as azlin shows them, joined locally from four list calls —
//! VMs, their power states (`statusOnly=true`), NICs and public IPs — made in
//! parallel and each cached for its own time-to-live, so the number of
//! requests does not grow with the number of VMs.

mod join;
mod slim;
mod tags;

use super::models::{InstanceView, NetworkInterface, PowerState, VirtualMachine};
use super::{ArmClient, AzureError, sizes};
use crate::cache::{Cache, Key, Operation, Pattern};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
/// The cached form of a listed VM; public for the cache benchmarks.
pub use slim::SlimVm;
use slim::{SlimNic, SlimSize};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
pub use tags::check_tags;

/// Compute API version of the VM calls.
const COMPUTE_API: &str = "api-version=2024-07-01";
/// Network API version of the NIC and public-IP calls.
const NETWORK_API: &str = "api-version=2024-05-01";

/// One VM, joined: what `list` and `status` show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VmRecord {
    pub id: String,
    pub name: String,
    pub resource_group: String,
    pub subscription: String,
    pub location: String,
    pub size: String,
    pub os_type: String,
    pub os_image: Option<String>,
    pub power_state: PowerState,
    pub provisioning_state: String,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
    pub vcpus: Option<u32>,
    pub memory_mib: Option<u64>,
    pub tags: Vec<(String, String)>,
}

/// Which VMs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListScope {
    /// One resource group, or the whole subscription.
    pub resource_group: Option<String>,
    /// Skip the cache (`--no-cache`).
    pub refresh: bool,
}

/// A power action on a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    Start,
    PowerOff,
    Deallocate,
    Restart,
}

impl PowerAction {
    fn path(self) -> &'static str {
        match self {
            PowerAction::Start => "start",
            PowerAction::PowerOff => "powerOff",
            PowerAction::Deallocate => "deallocate",
            PowerAction::Restart => "restart",
        }
    }
}

/// VMs of one subscription, through the cache when there is one.
#[derive(Debug)]
pub struct Inventory {
    client: Arc<ArmClient>,
    cache: Option<Arc<Cache>>,
    /// VMs listed so far in this run, by lower-cased resource group and name,
    /// so naming a VM after listing it costs no second lookup.
    seen: Mutex<HashMap<(String, String), VmRecord>>,
}

impl Inventory {
    /// An inventory over `client`; without a cache every call asks Azure.
    pub fn new(client: impl Into<Arc<ArmClient>>, cache: Option<Arc<Cache>>) -> Self {
        Self {
            client: client.into(),
            cache,
            seen: Mutex::default(),
        }
    }

    /// The VMs of `scope`, joined with power state, IPs and size figures.
    pub async fn list(&self, scope: &ListScope) -> Result<Vec<VmRecord>, AzureError> {
        let subscription = self.client.subscription().to_string();
        let group = scope.resource_group.as_deref().unwrap_or("*");
        let base = match &scope.resource_group {
            Some(group) => format!("/subscriptions/{subscription}/resourceGroups/{group}"),
            None => format!("/subscriptions/{subscription}"),
        };
        let params = |kind: &'static str| {
            [
                ("subscription", subscription.as_str()),
                ("resource_group", group),
                ("kind", kind),
            ]
        };
        let vms_url = format!("{base}/providers/Microsoft.Compute/virtualMachines?{COMPUTE_API}");
        let states_url = format!("{vms_url}&statusOnly=true");
        let nics_url =
            format!("{base}/providers/Microsoft.Network/networkInterfaces?{NETWORK_API}");
        let pips_url =
            format!("{base}/providers/Microsoft.Network/publicIPAddresses?{NETWORK_API}");
        let (vm_params, state_params, nic_params, pip_params) = (
            params("vms"),
            params("states"),
            params("nics"),
            params("pips"),
        );
        let (vms, states, nics, pips) = tokio::try_join!(
            self.cached(Operation::VmList, &vm_params, scope.refresh, || {
                self.slim_list::<VirtualMachine, _>(&vms_url, SlimVm::from)
            }),
            self.cached(Operation::PowerState, &state_params, scope.refresh, || {
                self.slim_list(&states_url, slim::state)
            }),
            self.cached(Operation::Ips, &nic_params, scope.refresh, || {
                self.slim_list::<NetworkInterface, _>(&nics_url, SlimNic::from)
            }),
            self.cached(Operation::Ips, &pip_params, scope.refresh, || {
                self.slim_list(&pips_url, slim::public_ip)
            }),
        )?;
        let sizes = self.sizes_for(&vms, scope.refresh).await?;
        let records = join::join(vms, &states, &nics, &pips, &sizes);
        let mut seen = self.seen.lock().expect("seen lock");
        for record in &records {
            seen.insert(
                seen_key(&record.resource_group, &record.name),
                record.clone(),
            );
        }
        Ok(records)
    }

    /// The VM `name` in `resource_group`: from this run's listings, else
    /// from a (cached) listing of the group.
    pub async fn find(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<VmRecord>, AzureError> {
        let key = seen_key(resource_group, name);
        if let Some(record) = self.seen.lock().expect("seen lock").get(&key) {
            return Ok(Some(record.clone()));
        }
        let scope = ListScope {
            resource_group: Some(resource_group.to_string()),
            refresh: false,
        };
        Ok(self
            .list(&scope)
            .await?
            .into_iter()
            .find(|record| record.name.eq_ignore_ascii_case(name)))
    }

    /// Runs a power action on a VM, waits for it and returns the power state
    /// the VM's instance view reports; the cached power states of the
    /// subscription are dropped, so the next list asks again.
    pub async fn power(
        &self,
        resource_group: &str,
        name: &str,
        action: PowerAction,
    ) -> Result<PowerState, AzureError> {
        let subscription = self.client.subscription().to_string();
        let vm = format!(
            "/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.Compute/virtualMachines/{name}"
        );
        let result = match self
            .client
            .run_operation(&format!("{vm}/{}?{COMPUTE_API}", action.path()), name)
            .await
        {
            Ok(()) => self
                .client
                .get::<InstanceView>(&format!("{vm}/instanceView?{COMPUTE_API}"))
                .await
                .map(|view| view.power_state().unwrap_or(PowerState::Unknown)),
            Err(error) => Err(error),
        };
        if let Some(cache) = &self.cache {
            let pattern = Pattern::new(
                Operation::PowerState,
                &[("subscription", subscription.as_str())],
            );
            if let Err(error) = cache.invalidate(&pattern) {
                tracing::warn!("cannot drop cached power states: {error}");
            }
        }
        result
    }

    /// Every item of the list at `url`, reduced by `slim` to what the cache keeps.
    async fn slim_list<T: DeserializeOwned, S>(
        &self,
        url: &str,
        slim: impl Fn(T) -> S,
    ) -> Result<Vec<S>, AzureError> {
        let items: Vec<T> = self.client.list(url).await?;
        Ok(items.into_iter().map(slim).collect())
    }

    /// Sizes the built-in table does not know, from each region's size list (cached).
    async fn sizes_for(&self, vms: &[SlimVm], refresh: bool) -> Result<Vec<SlimSize>, AzureError> {
        let unknown: BTreeSet<&str> = vms
            .iter()
            .filter(|vm| !vm.size.is_empty() && sizes::known(&vm.size).is_none())
            .map(|vm| vm.location.as_str())
            .collect();
        let mut found = Vec::new();
        for region in unknown {
            let subscription = self.client.subscription();
            let url = format!(
                "/subscriptions/{subscription}/providers/Microsoft.Compute/locations/{region}/vmSizes?{COMPUTE_API}"
            );
            let params = [
                ("subscription", subscription),
                ("region", region),
                ("kind", "sizes"),
            ];
            let listed: Vec<Option<SlimSize>> = self
                .cached(Operation::Metadata, &params, refresh, || {
                    self.slim_list(&url, slim::size)
                })
                .await?;
            found.extend(listed.into_iter().flatten());
        }
        Ok(found)
    }

    /// The cached answer under (`operation`, `params`), else `fetch`'s, stored.
    /// A failed fetch caches nothing.
    async fn cached<T, F, Fut>(
        &self,
        operation: Operation,
        params: &[(&str, &str)],
        refresh: bool,
        fetch: F,
    ) -> Result<T, AzureError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AzureError>>,
    {
        let key = Key::new(operation, params);
        if !refresh && let Some(hit) = self.cache.as_ref().and_then(|cache| cache.get(&key)) {
            return Ok(hit);
        }
        let value = fetch().await?;
        if let Some(cache) = &self.cache
            && let Err(error) = cache.put(&key, &value)
        {
            tracing::warn!("cannot cache {}: {error}", operation.name());
        }
        Ok(value)
    }
}

fn seen_key(resource_group: &str, name: &str) -> (String, String) {
    (
        resource_group.to_ascii_lowercase(),
        name.to_ascii_lowercase(),
    )
}
