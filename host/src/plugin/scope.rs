//! Limits inside the interfaces a run was granted, set by policy and
//! checked by the host on each call: the resource groups a plugin may reach
//! and how many hosts one fan-out may have.

/// A bound a policy set, with the policy line that set it
/// (`/etc/azlin/policy.toml:7`), named in the denial.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound<T> {
    pub value: T,
    pub at: String,
}

/// Limits inside granted interfaces: checked per host call, answered with
/// `access-denied`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Resource groups the plugin may read and change; `None`: any.
    pub resource_groups: Option<Bound<Vec<String>>>,
    /// Targets one SSH fan-out may have; `None`: any.
    pub max_hosts: Option<Bound<u32>>,
}

impl Scope {
    /// Whether the plugin may reach resource group `group`; the denial's text if not.
    pub fn check_group(&self, group: &str) -> Result<(), String> {
        match &self.resource_groups {
            Some(allowed)
                if !allowed
                    .value
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(group)) =>
            {
                Err(format!(
                    "resource group '{group}' is outside this plugin's scope ({}: resource_groups = [{}])",
                    allowed.at,
                    quoted(&allowed.value)
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether `group` is in scope (for filtering listings of every group).
    pub fn contains_group(&self, group: &str) -> bool {
        self.check_group(group).is_ok()
    }

    /// Whether a fan-out over `hosts` targets is allowed; the denial's text if not.
    pub fn check_hosts(&self, hosts: usize) -> Result<(), String> {
        match &self.max_hosts {
            Some(max) if hosts > max.value as usize => Err(format!(
                "a fan-out over {hosts} hosts is more than this plugin may reach at once ({}: max_hosts = {})",
                max.at, max.value
            )),
            _ => Ok(()),
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
