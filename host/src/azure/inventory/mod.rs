//! A scope's VMs as azlin shows them, joined locally from four list calls —
//! VMs, their power states (`statusOnly=true`), NICs and public IPs — made in
//! parallel and each cached for its own time-to-live, so the number of
//! requests does not grow with the number of VMs.

mod cached_fields;
mod join;
mod lifecycle;
mod quotas;
mod tags;

use super::models::{InstanceView, NetworkInterface, PowerState, VirtualMachine};
use super::names::segment;
use super::{ArmClient, AzureError, sizes};
use crate::cache::{ApiCache, Cache, Journal, Key, Operation, Pattern};
/// The cached form of a listed VM; public for the cache benchmarks.
pub use cached_fields::CachedVm;
use cached_fields::{CachedNic, CachedSize};
pub use lifecycle::{NewVm, image_reference};
pub use quotas::Quota;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
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
    cache: Option<ApiCache>,
    /// Where changes go when the cache is held by another process that
    /// cannot be reached (or stops answering).
    journal: Option<Journal>,
    /// Lists made so far in this run, so naming a VM after listing it costs
    /// no second lookup.
    seen: Mutex<Vec<Arc<Vec<VmRecord>>>>,
}

impl Inventory {
    /// The ARM path of resource group `resource_group`, its name one
    /// encoded segment.
    fn group_path(&self, resource_group: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}",
            segment(self.client.subscription()),
            segment(resource_group)
        )
    }

    /// The ARM path of VM `name` in `resource_group`, each name one encoded segment.
    fn vm_path(&self, resource_group: &str, name: &str) -> String {
        format!(
            "{}/providers/Microsoft.Compute/virtualMachines/{}",
            self.group_path(resource_group),
            segment(name)
        )
    }

    /// The subscription this inventory lists and changes.
    pub fn subscription(&self) -> &str {
        self.client.subscription()
    }

    /// An inventory over `client`; without a cache every call asks Azure.
    pub fn new(client: impl Into<Arc<ArmClient>>, cache: Option<Arc<Cache>>) -> Self {
        Self {
            client: client.into(),
            cache: cache.map(ApiCache::Open),
            journal: None,
            seen: Mutex::default(),
        }
    }

    /// This inventory, through `cache` however the run reaches it.
    pub fn through(self, cache: ApiCache) -> Self {
        Self {
            cache: Some(cache),
            ..self
        }
    }

    /// This inventory, recording its changes in `journal` for the process
    /// that holds the cache it could not open.
    pub fn recording_to(self, journal: Journal) -> Self {
        Self {
            journal: Some(journal),
            ..self
        }
    }

    /// The VMs of `scope`, each joined with its power state, addresses and
    /// size figures. A resident process that listed the same scope from the
    /// same cache entries before answers with that list again.
    pub async fn list(&self, scope: &ListScope) -> Result<Arc<Vec<VmRecord>>, AzureError> {
        let subscription = self.client.subscription().to_string();
        let group = scope.resource_group.as_deref().unwrap_or("*");
        let memo = format!("inventory {subscription} {group}");
        if !scope.refresh
            && let Some(records) = self.cache.as_ref().and_then(|cache| cache.recall(&memo))
        {
            return Ok(self.saw(records));
        }
        let base = match &scope.resource_group {
            Some(group) => self.group_path(group),
            None => format!("/subscriptions/{subscription}"),
        };
        let key = |operation, kind: &'static str| {
            Key::new(
                operation,
                &[
                    ("subscription", subscription.as_str()),
                    ("resource_group", group),
                    ("kind", kind),
                ],
            )
        };
        let vms_url = format!("{base}/providers/Microsoft.Compute/virtualMachines?{COMPUTE_API}");
        let states_url = format!("{vms_url}&statusOnly=true");
        let nics_url =
            format!("{base}/providers/Microsoft.Network/networkInterfaces?{NETWORK_API}");
        let pips_url =
            format!("{base}/providers/Microsoft.Network/publicIPAddresses?{NETWORK_API}");
        let (vms, states, nics, pips) = tokio::try_join!(
            self.cached(key(Operation::VmList, "vms"), scope.refresh, || {
                self.slim_list::<VirtualMachine, _>(&vms_url, CachedVm::from)
            }),
            self.cached(key(Operation::PowerState, "states"), scope.refresh, || {
                self.slim_list(&states_url, cached_fields::state)
            }),
            self.cached(key(Operation::Ips, "nics"), scope.refresh, || {
                self.slim_list::<NetworkInterface, _>(&nics_url, CachedNic::from)
            }),
            self.cached(key(Operation::Ips, "pips"), scope.refresh, || {
                self.slim_list(&pips_url, cached_fields::public_ip)
            }),
        )?;
        let (sizes, size_sources) = self.sizes_for(&vms.0, scope.refresh).await?;
        let records = Arc::new(join::join(vms.0, &states.0, &nics.0, &pips.0, &sizes));
        let sources: Option<Vec<_>> = [vms.1, states.1, nics.1, pips.1]
            .into_iter()
            .chain(size_sources)
            .collect();
        if let (Some(cache), Some(sources)) = (&self.cache, sources) {
            cache.remember(memo, sources, records.clone());
        }
        Ok(self.saw(records))
    }

    /// Keeps `records` for [`Inventory::find`] during this run.
    fn saw(&self, records: Arc<Vec<VmRecord>>) -> Arc<Vec<VmRecord>> {
        self.seen.lock().expect("seen lock").push(records.clone());
        records
    }

    /// The VM `name` in `resource_group`, from a list this run already made
    /// if it had the VM, else from a fresh (cached) list of the group.
    pub async fn find(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<VmRecord>, AzureError> {
        let matches = |record: &&VmRecord| {
            record.resource_group.eq_ignore_ascii_case(resource_group)
                && record.name.eq_ignore_ascii_case(name)
        };
        let seen = self.seen.lock().expect("seen lock").clone();
        if let Some(record) = seen.iter().rev().find_map(|list| list.iter().find(matches)) {
            return Ok(Some(record.clone()));
        }
        let scope = ListScope {
            resource_group: Some(resource_group.to_string()),
            refresh: false,
        };
        Ok(self.list(&scope).await?.iter().find(matches).cloned())
    }

    pub async fn power(
        &self,
        resource_group: &str,
        name: &str,
        action: PowerAction,
    ) -> Result<PowerState, AzureError> {
        let subscription = self.client.subscription().to_string();
        let vm = self.vm_path(resource_group, name);
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
        self.drop_cached(Operation::PowerState, &subscription);
        result
    }

    /// Drops the subscription's cached entries of `operations` and the lists
    /// this run made, whether or not the change that called for it went
    /// through (a failed change may have gone half through).
    fn forget(&self, operations: &[Operation]) {
        self.seen.lock().expect("seen lock").clear();
        for &operation in operations {
            self.drop_cached(operation, self.client.subscription());
        }
    }

    /// Drops the cached answers of `operation` for `subscription`: from the
    /// cache, else through the journal of the process that holds it.
    fn drop_cached(&self, operation: Operation, subscription: &str) {
        let pattern = Pattern::new(operation, &[("subscription", subscription)]);
        let through_cache = self.cache.as_ref().map(|cache| cache.invalidate(&pattern));
        let dropped = match (through_cache, &self.journal) {
            (Some(Ok(_)), _) | (None, None) => Ok(()),
            (Some(Err(_)) | None, Some(journal)) => {
                journal.record(&pattern).map_err(|e| e.to_string())
            }
            (Some(Err(error)), None) => Err(error.to_string()),
        };
        if let Err(error) = dropped {
            tracing::warn!("cannot drop cached {}: {error}", operation.name());
        }
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

    /// Sizes the built-in table does not know, from each region's size list
    /// (cached), with the cache entries they came from (see [`Inventory::cached`]).
    async fn sizes_for(
        &self,
        vms: &[CachedVm],
        refresh: bool,
    ) -> Result<(Vec<CachedSize>, Vec<Option<(Key, u64)>>), AzureError> {
        let unknown: BTreeSet<&str> = vms
            .iter()
            .filter(|vm| !vm.size.is_empty() && sizes::known(&vm.size).is_none())
            .map(|vm| vm.location.as_str())
            .collect();
        let (mut found, mut sources) = (Vec::new(), Vec::new());
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
            let (listed, source): (Vec<Option<CachedSize>>, _) = self
                .cached(Key::new(Operation::Metadata, &params), refresh, || {
                    self.slim_list(&url, cached_fields::size)
                })
                .await?;
            found.extend(listed.into_iter().flatten());
            sources.push(source);
        }
        Ok((found, sources))
    }

    /// The cached answer under `key`, else `fetch`'s, stored; a failed fetch
    /// caches nothing. A hit comes with its entry's stamp, read before the
    /// entry, so a value derived from it is never remembered as newer than it is.
    async fn cached<T, F, Fut>(
        &self,
        key: Key,
        refresh: bool,
        fetch: F,
    ) -> Result<(T, Option<(Key, u64)>), AzureError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AzureError>>,
    {
        if !refresh
            && let Some(cache) = &self.cache
            && let Some((hit, stamp)) = cache.get_stamped(&key)
        {
            return Ok((hit, stamp.map(|stamp| (key, stamp))));
        }
        let value = fetch().await?;
        if let Some(cache) = &self.cache
            && let Err(error) = cache.put(&key, &value)
        {
            tracing::warn!("cannot cache {}: {error}", key.operation.name());
        }
        Ok((value, None))
    }
}
