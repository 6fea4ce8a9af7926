//! Which VMs `health` measures: the running VMs of the resource group (or
//! of every group with `-a`), or the one `--vm` names; an unknown name is a
//! usage error that lists the nearest names.

use azlin_sdk::bindings::azlin::host::types::{PowerState, Vm};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::{self, VmFilter, session_name};

/// How many near names an unknown `--vm` suggests.
const SUGGESTED: usize = 3;

/// The running VMs in scope, sorted by resource group and name.
pub fn running_vms(args: &Args) -> Result<Vec<Vm>, Failure> {
    let filter = VmFilter {
        resource_group: args.value("resource-group").map(str::to_string),
        all_resource_groups: args.flag("show-all-vms"),
        include_stopped: true,
        name_pattern: None,
        tags: Vec::new(),
        refresh: false,
    };
    let mut all = vms::list(&filter)?;
    all.sort_by(|a, b| (&a.resource_group, &a.name).cmp(&(&b.resource_group, &b.name)));
    if let Some(name) = args.value("vm") {
        let vm = named(name, all)?;
        if vm.power_state != PowerState::Running {
            return Err(Failure::new(format!("VM '{}' is not running", vm.name))
                .hint(format!("start it with `azlin start {}`", vm.name)));
        }
        return Ok(vec![vm]);
    }
    let running: Vec<Vm> = all
        .into_iter()
        .filter(|vm| vm.power_state == PowerState::Running)
        .collect();
    if running.is_empty() {
        return Err(Failure::new("no running VMs in scope")
            .hint("run `azlin list --all` to see them, `azlin start NAME` to start one"));
    }
    Ok(running)
}

/// The VM whose name or session name is `name`.
fn named(name: &str, all: Vec<Vm>) -> Result<Vm, Failure> {
    let names: Vec<(String, Option<String>)> = all
        .iter()
        .map(|vm| (vm.name.clone(), session_name(&vm.name)))
        .collect();
    let found = all.into_iter().zip(&names).find(|(vm, (_, session))| {
        vm.name.eq_ignore_ascii_case(name) || session.as_deref() == Some(name)
    });
    if let Some((vm, _)) = found {
        return Ok(vm);
    }
    let candidates = names
        .iter()
        .flat_map(|(vm, session)| std::iter::once(vm.as_str()).chain(session.as_deref()));
    let nearest = nearest(name, candidates);
    let failure = Failure::new(format!("no VM or session named '{name}' in scope"));
    Err(if nearest.is_empty() {
        failure.hint("run `azlin list --all` to see the VMs (-a for every resource group)")
    } else {
        failure.hint(format!(
            "the nearest names are: {}; run `azlin list --all` to see every VM",
            nearest.join(", ")
        ))
    })
}

/// Up to [`SUGGESTED`] candidates most like `typed`, most alike first.
fn nearest<'a>(typed: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|candidate| (strsim::jaro_winkler(typed, candidate), candidate))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(SUGGESTED)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn the_nearest_names_come_first_and_distant_ones_not_at_all() {
        let names = ["vm-0001", "vm-0002", "build-box", "vm-0010"];
        let found = nearest("vm-001", names.into_iter());
        assert_eq!(found.first(), Some(&"vm-0001"));
        assert!(!found.contains(&"build-box"), "{found:?}");
        assert!(nearest("zzzz", names.into_iter()).is_empty());
    }
}
