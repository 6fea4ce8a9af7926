//! ARM resource ids: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`.

use std::fmt;

/// The parts of an ARM resource id azlin needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceId {
    pub subscription: String,
    pub resource_group: String,
    /// Provider namespace and type, e.g. `Microsoft.Compute/virtualMachines`.
    pub kind: String,
    pub name: String,
}

impl ResourceId {
    /// Parses an id; `None` if it lacks the subscription, group or name parts.
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
        let find = |key: &str| {
            parts
                .iter()
                .position(|part| part.eq_ignore_ascii_case(key))
                .and_then(|index| parts.get(index + 1))
                .map(|value| value.to_string())
        };
        let providers = parts
            .iter()
            .position(|part| part.eq_ignore_ascii_case("providers"))?;
        let rest = parts.get(providers + 1..)?;
        if rest.len() < 3 {
            return None;
        }
        Some(Self {
            subscription: find("subscriptions")?,
            resource_group: find("resourceGroups")?,
            kind: format!("{}/{}", rest[0], rest[1]),
            name: rest[2].to_string(),
        })
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "/subscriptions/{}/resourceGroups/{}/providers/{}/{}",
            self.subscription, self.resource_group, self.kind, self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ResourceId;

    #[test]
    fn parses_a_vm_id_case_insensitively() {
        let id = ResourceId::parse(
            "/subscriptions/s1/resourcegroups/RG1/providers/Microsoft.Compute/virtualMachines/vm1",
        )
        .expect("a VM id");
        assert_eq!(id.subscription, "s1");
        assert_eq!(id.resource_group, "RG1");
        assert_eq!(id.kind, "Microsoft.Compute/virtualMachines");
        assert_eq!(id.name, "vm1");
    }

    #[test]
    fn rejects_an_id_without_a_resource_group() {
        assert_eq!(
            ResourceId::parse("/subscriptions/s1/providers/Microsoft.Compute/virtualMachines/vm1"),
            None
        );
    }
}
