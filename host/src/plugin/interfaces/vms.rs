//! `azlin:host/vms`: the scope's VMs from the inventory (cached), filtered
//! as the plugin asks.

use super::HostError;
use super::azure_errors::to_wit;
use super::views::AzureView;
use crate::azure::models::PowerState as AzurePower;
use crate::azure::{AzureError, Inventory, ListScope, Session, VmRecord, notes};
use crate::exchange::Event;
use crate::plugin::bindings::types::{Error, PowerState, Vm};
use crate::plugin::bindings::vms::{Host, Quota, VmFilter};
use std::sync::Arc;

impl Host for AzureView<'_> {
    async fn list_vms(&mut self, filter: VmFilter) -> Result<Vec<Vm>, HostError> {
        let pattern = match filter
            .name_pattern
            .as_deref()
            .map(glob::Pattern::new)
            .transpose()
        {
            Ok(pattern) => pattern,
            Err(error) => {
                return Err(Error::InvalidInput(format!("VM name pattern: {error}")).into());
            }
        };
        let group = match (filter.all_resource_groups, filter.resource_group.clone()) {
            (true, _) => None,
            (false, Some(group)) => Some(group),
            (false, None) => match self.default_resource_group() {
                Err(broken) => return Err(broken.into()),
                Ok(Some(group)) => Some(group),
                Ok(None) => {
                    return Err(Error::InvalidInput(
                        "no resource group: pass --rg NAME, set default_resource_group (azlin config set default_resource_group NAME), or use --show-all-vms".into(),
                    ).into());
                }
            },
        };
        if let Some(group) = &group {
            self.group_in_scope(group)?;
        }
        let refresh = filter.refresh && self.refreshes.allow(group.as_deref());
        let scope = ListScope {
            resource_group: group,
            refresh,
        };
        let records = match self.listed(&scope).await? {
            Ok(records) => records,
            Err(error) => return Err(to_wit(error).into()),
        };
        let in_scope = &self.context.scope;
        let wanted = |record: &VmRecord| {
            in_scope.contains_group(&record.resource_group)
                && (filter.include_stopped || record.power_state.is_up())
                && pattern
                    .as_ref()
                    .is_none_or(|pattern| pattern.matches(&record.name))
                && filter.tags.iter().all(|(key, value)| {
                    record
                        .tags
                        .iter()
                        .any(|(k, v)| k == key && value.as_ref().is_none_or(|value| v == value))
                })
        };
        Ok(records
            .iter()
            .filter(|record| wanted(record))
            .map(vm)
            .collect())
    }

    async fn get_vm(&mut self, resource_group: String, name: String) -> Result<Vm, HostError> {
        self.group_in_scope(&resource_group)?;
        let scope = ListScope {
            resource_group: Some(resource_group.clone()),
            refresh: false,
        };
        let records = self.listed(&scope).await??;
        let found = records
            .iter()
            .find(|record| record.name.eq_ignore_ascii_case(&name))
            .map(vm)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no VM '{name}' in resource group '{resource_group}'"
                ))
            })?;
        Ok(found)
    }

    async fn quotas(&mut self, region: String) -> Result<Vec<Quota>, HostError> {
        crate::azure::names::check_region(&region).map_err(Error::InvalidInput)?;
        let quotas = inventory(self.context.azure.clone())
            .await?
            .quotas(&region)
            .await?;
        Ok(quotas
            .into_iter()
            .map(|quota| Quota {
                name: quota.name,
                label: quota.label,
                used: quota.used,
                limit: quota.limit,
            })
            .collect())
    }
}

/// The run's inventory, or why Azure cannot be reached. Takes the session
/// by value: a host call's future must not borrow the (non-`Sync`) store data.
pub(crate) async fn inventory(session: Option<Arc<Session>>) -> Result<Arc<Inventory>, AzureError> {
    match session {
        Some(session) => session.inventory().await,
        None => Err(AzureError::Describing),
    }
}

/// The VMs of `scope` through the run's inventory.
async fn list(
    session: Option<Arc<Session>>,
    scope: &ListScope,
) -> Result<Arc<Vec<VmRecord>>, AzureError> {
    inventory(session).await?.list(scope).await
}

impl AzureView<'_> {
    /// The VMs of `scope` through the run's inventory; list items Azure sent
    /// that could not be read reach the user as warnings.
    async fn listed(
        &mut self,
        scope: &ListScope,
    ) -> wasmtime::Result<Result<Arc<Vec<VmRecord>>, AzureError>> {
        let (listed, notes) = notes::collect(list(self.azure(), scope)).await;
        for note in notes {
            self.output.send(Event::Warning(note)).await?;
        }
        Ok(listed)
    }

    /// Whether the plugin's scope lets it reach resource group `group`.
    pub(crate) fn group_in_scope(&self, group: &str) -> Result<(), Error> {
        crate::azure::names::check_group(group).map_err(Error::InvalidInput)?;
        self.context
            .scope
            .check_group(group)
            .map_err(Error::AccessDenied)
    }

    /// The run's Azure session.
    pub(crate) fn azure(&self) -> Option<Arc<Session>> {
        self.context.azure.clone()
    }

    /// The resource group commands fall back on: the active context's, then config's.
    /// The configured resource group; a broken context or config file is
    /// an error naming it, not a missing group.
    fn default_resource_group(&self) -> Result<Option<String>, Error> {
        match &self.context.azure {
            Some(session) => session.default_resource_group().map_err(to_wit),
            None => Ok(None),
        }
    }
}

/// The WIT record of a joined VM.
pub fn vm(record: &VmRecord) -> Vm {
    Vm {
        id: record.id.clone(),
        name: record.name.clone(),
        resource_group: record.resource_group.clone(),
        subscription_id: record.subscription.clone(),
        location: record.location.clone(),
        size: record.size.clone(),
        os_type: record.os_type.clone(),
        os_image: record.os_image.clone(),
        power_state: power(record.power_state),
        provisioning_state: record.provisioning_state.clone(),
        private_ip: record.private_ip.clone(),
        public_ip: record.public_ip.clone(),
        vcpus: record.vcpus,
        memory_mib: record.memory_mib,
        tags: record.tags.clone(),
    }
}

/// The WIT power state.
pub fn power(state: AzurePower) -> PowerState {
    match state {
        AzurePower::Starting => PowerState::Starting,
        AzurePower::Running => PowerState::Running,
        AzurePower::Stopping => PowerState::Stopping,
        AzurePower::Stopped => PowerState::Stopped,
        AzurePower::Deallocating => PowerState::Deallocating,
        AzurePower::Deallocated => PowerState::Deallocated,
        AzurePower::Unknown => PowerState::Unknown,
    }
}
