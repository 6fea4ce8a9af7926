//! Every setting azlin (or existing azlin) reads from config.toml, so
//! `azlin config set` can refuse a typo such as `resource_group` and name
//! the key that was meant. Reading the file still accepts any key.

use super::{AgentSettings, Limits, PLUGIN_QUOTA, SshSettings};
use std::path::Path;

/// Top-level keys: existing azlin's, then this azlin's own.
const TOP_LEVEL: &[&str] = &[
    "default_resource_group",
    "default_region",
    "default_vm_size",
    "default_vm_image",
    "last_vm_name",
    "notification_command",
    "vm_storage",
    "default_nfs_storage",
    "github_runner_fleets",
    "ssh_auto_sync_keys",
    "ssh_sync_timeout",
    "ssh_sync_method",
    "ssh_auto_sync_age_threshold",
    "ssh_auto_sync_skip_new_vms",
    "resource_group_auto_detect",
    "resource_group_cache_ttl",
    "resource_group_query_timeout",
    "bastion_detection_timeout",
    "bastion_tunnel_timeout",
    "bastion_connect_timeout",
    "ssh_connect_timeout",
    "scp_transfer_timeout",
    "az_cli_timeout",
    "restore_mode",
    "bastion_pip_ip_tags",
    "arm_endpoint",
    "auth_method",
];

/// Sections and their keys.
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "ssh",
        &[
            "user",
            "key",
            "known_hosts",
            "port",
            "connect_timeout",
            "idle_timeout",
            "max_connections",
        ],
    ),
    (
        "cache",
        &[
            "vm_list_ttl",
            "power_state_ttl",
            "ips_ttl",
            "metadata_ttl",
            "plugin_ttl",
            "max_mib",
            "plugin_quota_mib",
        ],
    ),
    (
        "plugin_limits",
        &["memory_mib", "cpu_seconds", "wall_seconds", "output_mib"],
    ),
    ("agent", &["enabled", "idle_timeout"]),
    ("arm", &["list_max_pages", "list_timeout"]),
];

/// The value each setting has when config.toml does not set it, for
/// `azlin config diff`: read from the settings' own defaults, and for
/// `default_region` and `default_vm_size` existing azlin's (which `new` uses).
pub fn defaults(home: &Path) -> Vec<(String, String)> {
    let ssh = SshSettings::defaults(home);
    let limits = Limits::default();
    let agent = AgentSettings::default();
    let seconds = |duration: std::time::Duration| duration.as_secs().to_string();
    [
        ("default_region", "westus2".to_string()),
        ("default_vm_size", "Standard_E16as_v5".to_string()),
        ("ssh.user", ssh.user),
        ("ssh.key", ssh.key.display().to_string()),
        ("ssh.known_hosts", ssh.known_hosts.display().to_string()),
        ("ssh.port", ssh.port.to_string()),
        ("ssh.connect_timeout", seconds(ssh.connect_timeout)),
        ("ssh.idle_timeout", seconds(ssh.idle_timeout)),
        ("ssh.max_connections", ssh.max_connections.to_string()),
        ("agent.enabled", agent.enabled.to_string()),
        ("agent.idle_timeout", seconds(agent.idle_timeout)),
        (
            "plugin_limits.memory_mib",
            (limits.memory_bytes >> 20).to_string(),
        ),
        ("plugin_limits.cpu_seconds", seconds(limits.cpu_time)),
        ("plugin_limits.wall_seconds", seconds(limits.wall_time)),
        (
            "plugin_limits.output_mib",
            (limits.output_bytes >> 20).to_string(),
        ),
        ("cache.plugin_quota_mib", (PLUGIN_QUOTA >> 20).to_string()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect()
}

/// Tables whose keys are the user's own names (`session_names.<vm>`).
const OPEN_TABLES: &[&str] = &["session_names"];

/// Whether azlin reads `key` (dotted for a section's key).
pub fn is_known(key: &str) -> bool {
    match key.split_once('.') {
        None => TOP_LEVEL.contains(&key),
        Some((table, rest)) => {
            OPEN_TABLES.contains(&table) && !rest.is_empty()
                || SECTIONS
                    .iter()
                    .any(|(section, keys)| *section == table && keys.contains(&rest))
        }
    }
}

/// Every known key, dotted, for suggestions and messages.
pub fn all() -> impl Iterator<Item = String> {
    let top = TOP_LEVEL.iter().map(|key| key.to_string());
    let sections = SECTIONS
        .iter()
        .flat_map(|(section, keys)| keys.iter().map(move |key| format!("{section}.{key}")));
    let open = OPEN_TABLES.iter().map(|table| format!("{table}.<name>"));
    top.chain(sections).chain(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_and_own_keys_are_known_and_typos_are_not() {
        assert!(is_known("default_resource_group"));
        assert!(is_known("ssh.user"));
        assert!(is_known("session_names.dev-box"));
        assert!(is_known("cache.vm_list_ttl"));
        assert!(!is_known("resource_group"));
        assert!(!is_known("ssh.usr"));
        assert!(!is_known("session_names."));
        assert!(!is_known("plugin_limits"));
    }
}
