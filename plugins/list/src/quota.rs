//! `list -q/--quota`: after the VMs, the vCPU quota of each region they are
//! in (or the default region): the regional total and every family in use.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::{Failure, Vm};

/// The quotas table for the regions of `listed`.
pub fn show(listed: &[&Vm]) -> Result<(), Failure> {
    let mut regions: Vec<String> = listed.iter().map(|vm| vm.location.clone()).collect();
    if regions.is_empty() {
        regions.extend(host::config("default_region")?);
    }
    regions.sort();
    regions.dedup();
    let mut table = Table::begin(
        "quotas",
        vec![
            column("region", "Region"),
            column("quota", "Quota"),
            number_column("used", "Used"),
            number_column("limit", "Limit"),
            number_column("free", "Free"),
        ],
    )?;
    for region in regions {
        for quota in vms::quotas(&region)?
            .into_iter()
            .filter(|quota| quota.name == "cores" || quota.used > 0)
        {
            table.row(vec![
                region.as_str().into(),
                quota.label.as_str().into(),
                count(quota.used),
                count(quota.limit),
                count(quota.limit.saturating_sub(quota.used)),
            ])?;
        }
    }
    Ok(())
}

/// A count as a table integer (quotas never come near `i64::MAX`).
fn count(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}
