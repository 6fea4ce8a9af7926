//! `Usage - List` (`…/locations/{location}/usages`): the vCPUs the
//! subscription's allocated VMs hold in a region, in total (`cores`) and per
//! VM family, against limits (350 in total and 100 per family unless
//! `Options::quota_limits` says otherwise). Deallocated VMs hold none.

use crate::State;
use crate::fleet::{MORE_SIZES, SIZES};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Regional vCPUs allowed unless configured.
const TOTAL_LIMIT: u64 = 350;
/// vCPUs per family allowed unless configured.
const FAMILY_LIMIT: u64 = 100;

/// The usage list of `location`, as ARM answers it.
pub fn list(state: &State, location: &str) -> Value {
    let mut families: BTreeMap<String, u64> = BTreeMap::new();
    for vm in state.fleet() {
        let allocated = vm.power != "PowerState/deallocated";
        if !allocated || !vm.location.eq_ignore_ascii_case(location) {
            continue;
        }
        *families.entry(family(&vm.size)).or_default() += cores(&vm.size);
    }
    let limits = state.options().quota_limits;
    let limit = |name: &str, default: u64| {
        limits
            .iter()
            .find(|(region, key, _)| region.eq_ignore_ascii_case(location) && key == name)
            .map_or(default, |(_, _, limit)| *limit)
    };
    let mut value = vec![usage(
        "cores",
        "Total Regional vCPUs",
        families.values().sum(),
        limit("cores", TOTAL_LIMIT),
    )];
    let mut names: Vec<String> = SIZES
        .iter()
        .chain(&MORE_SIZES)
        .map(|(size, _, _)| family(size))
        .chain(families.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let used = families.get(&name).copied().unwrap_or(0);
        let label = format!(
            "Standard {} Family vCPUs",
            &name["standard".len()..name.len() - "Family".len()]
        );
        value.push(usage(&name, &label, used, limit(&name, FAMILY_LIMIT)));
    }
    json!({ "value": value })
}

fn usage(name: &str, label: &str, used: u64, limit: u64) -> Value {
    json!({
        "unit": "Count",
        "currentValue": used,
        "limit": limit,
        "name": { "value": name, "localizedValue": label },
    })
}

/// vCPUs of `size`, from the sizes the simulator offers.
fn cores(size: &str) -> u64 {
    SIZES
        .iter()
        .chain(&MORE_SIZES)
        .find(|(name, _, _)| name.eq_ignore_ascii_case(size))
        .map_or(0, |(_, cores, _)| u64::from(*cores))
}

/// Azure's family key of a size: `Standard_D4s_v5` → `standardDSv5Family`,
/// `Standard_E16as_v5` → `standardEASv5Family`.
pub fn family(size: &str) -> String {
    let rest = size.strip_prefix("Standard_").unwrap_or(size);
    let (series, version) = rest.split_once('_').unwrap_or((rest, ""));
    let letters: String = series.chars().filter(|c| !c.is_ascii_digit()).collect();
    format!("standard{}{version}Family", letters.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::family;

    #[test]
    fn sizes_map_to_azures_family_keys() {
        assert_eq!(family("Standard_D4s_v5"), "standardDSv5Family");
        assert_eq!(family("Standard_E16as_v5"), "standardEASv5Family");
    }
}
