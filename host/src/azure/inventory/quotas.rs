//! vCPU quotas of a region: the Compute usage list, cached like the VM list
//! (and dropped with it when this azlin creates or deletes a VM).

use super::{COMPUTE_API, Inventory};
use crate::azure::AzureError;
use crate::azure::models::Usage;
use crate::cache::{Key, Operation};
use serde::{Deserialize, Serialize};

/// One quota: its key (`cores`, `standardDSv5Family`, …), its name for
/// people, and the vCPUs (or other units) used and allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub name: String,
    pub label: String,
    pub used: u64,
    pub limit: u64,
}

impl Inventory {
    /// The quotas of `region` in this subscription.
    pub async fn quotas(&self, region: &str) -> Result<Vec<Quota>, AzureError> {
        let subscription = self.client.subscription();
        let url = format!(
            "/subscriptions/{subscription}/providers/Microsoft.Compute/locations/{region}/usages?{COMPUTE_API}"
        );
        let params = [
            ("subscription", subscription),
            ("region", region),
            ("kind", "usages"),
        ];
        let (quotas, _) = self
            .cached(Key::new(Operation::VmList, &params), false, || {
                self.slim_list(&url, quota)
            })
            .await?;
        Ok(quotas)
    }
}

fn quota(usage: Usage) -> Quota {
    Quota {
        label: usage
            .name
            .localized_value
            .unwrap_or_else(|| usage.name.value.clone()),
        name: usage.name.value,
        used: u64::try_from(usage.current_value).unwrap_or(0),
        limit: u64::try_from(usage.limit).unwrap_or(0),
    }
}
