//! Changing a VM's tags with `Virtual Machines - Update` (`PATCH` of the
//! whole tag set, read fresh from Azure first), then dropping the cached VM
//! lists of the subscription so the next listing shows the change.

use super::{COMPUTE_API, Inventory};
use crate::azure::AzureError;
use crate::azure::models::VirtualMachine;
use crate::cache::Operation;
use std::collections::BTreeMap;

/// Characters Azure refuses in tag names.
const FORBIDDEN: &str = "<>%&\\?/";
/// Azure's limits: tags per resource, name and value lengths.
const MOST_TAGS: usize = 50;
const LONGEST_KEY: usize = 512;
const LONGEST_VALUE: usize = 256;

/// Why a tag change cannot be sent, in words for the user.
pub fn check_tags(set: &[(String, String)], remove: &[String]) -> Result<(), String> {
    for (key, value) in set {
        check_key(key)?;
        if value.chars().count() > LONGEST_VALUE {
            return Err(format!(
                "the value of tag '{key}' is longer than {LONGEST_VALUE} characters"
            ));
        }
    }
    for key in remove {
        check_key(key)?;
        if set.iter().any(|(set, _)| set.eq_ignore_ascii_case(key)) {
            return Err(format!("tag '{key}' is both set and removed"));
        }
    }
    Ok(())
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("a tag name is empty".into());
    }
    if key.chars().count() > LONGEST_KEY {
        return Err(format!(
            "tag name '{key}' is longer than {LONGEST_KEY} characters"
        ));
    }
    if let Some(bad) = key.chars().find(|c| FORBIDDEN.contains(*c)) {
        return Err(format!(
            "tag name '{key}' has '{bad}', which Azure does not allow in tag names"
        ));
    }
    Ok(())
}

impl Inventory {
    /// Sets `set` and removes `remove` in the tags of VM `name`, keeping the
    /// others (tag names compare case-insensitively, as in Azure); returns
    /// the tags Azure stored.
    pub async fn set_tags(
        &self,
        resource_group: &str,
        name: &str,
        set: &[(String, String)],
        remove: &[String],
    ) -> Result<Vec<(String, String)>, AzureError> {
        let url = format!("{}?{COMPUTE_API}", self.vm_path(resource_group, name));
        let current: VirtualMachine = self.client.get(&url).await?;
        let mut tags: BTreeMap<String, String> = current.tags;
        for key in remove {
            tags.retain(|existing, _| !existing.eq_ignore_ascii_case(key));
        }
        for (key, value) in set {
            tags.retain(|existing, _| !existing.eq_ignore_ascii_case(key));
            tags.insert(key.clone(), value.clone());
        }
        if tags.len() > MOST_TAGS {
            return Err(AzureError::Arm {
                status: 400,
                code: "InvalidTagCount".into(),
                message: format!("a VM may have at most {MOST_TAGS} tags"),
            });
        }
        let patched = self
            .client
            .patch::<VirtualMachine>(&url, &serde_json::json!({ "tags": tags }))
            .await;
        self.forget(&[Operation::VmList]);
        Ok(patched?.tags.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::check_tags;

    #[test]
    fn malformed_tags_are_named() {
        let set = |key: &str| vec![(key.to_string(), "v".to_string())];
        assert!(check_tags(&set("owner"), &[]).is_ok());
        assert!(check_tags(&set(""), &[]).unwrap_err().contains("empty"));
        assert!(check_tags(&set("a/b"), &[]).unwrap_err().contains("'/'"));
        assert!(
            check_tags(&set("env"), &["ENV".into()])
                .unwrap_err()
                .contains("both set and removed")
        );
    }
}
