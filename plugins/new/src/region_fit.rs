//! `new --region-fit`: the first region, the one asked for first, whose vCPU
//! quota has room for the new VMs, in total and in their size's family.

use crate::sizes;
use azlin_sdk::Failure;
use azlin_sdk::prelude::*;

/// Regions tried after the one asked for, in order.
const CANDIDATES: [&str; 8] = [
    "eastus",
    "eastus2",
    "westus2",
    "westus3",
    "centralus",
    "northeurope",
    "westeurope",
    "uksouth",
];

/// A region with room for `count` VMs of `sku`, starting with `preferred`.
pub fn choose(preferred: &str, sku: &str, count: u64) -> Result<String, Failure> {
    let Some(vcpus) = sizes::vcpus(sku) else {
        return Err(
            Failure::usage(format!("--region-fit cannot tell how many vCPUs {sku} has"))
                .hint("pass --region instead"),
        );
    };
    let needed = vcpus.saturating_mul(count);
    let family = sizes::family_quota(sku);
    let regions =
        std::iter::once(preferred).chain(CANDIDATES.into_iter().filter(|r| *r != preferred));
    let mut tried = Vec::new();
    for region in regions {
        let quotas = vms::quotas(region)?;
        let free = |name: &str| {
            quotas
                .iter()
                .find(|quota| quota.name.eq_ignore_ascii_case(name))
                .map(|quota| quota.limit.saturating_sub(quota.used))
        };
        let (total, in_family) = (free("cores"), free(&family));
        if total.is_some_and(|free| free >= needed) && in_family.is_some_and(|free| free >= needed)
        {
            output::text(&format!(
                "region-fit: {region} has room for {needed} vCPUs of {family}"
            ));
            return Ok(region.to_string());
        }
        tried.push(format!(
            "{region} ({} free in total, {} in the family)",
            total.map_or("none".into(), |free| free.to_string()),
            in_family.map_or("none".into(), |free| free.to_string())
        ));
    }
    Err(Failure::new(format!(
        "no region has room for {needed} vCPUs of {family}: {}",
        tried.join(", ")
    ))
    .hint("choose a smaller --size, another --vm-family, or ask Azure for more quota"))
}
