//! What no plugin may read or write on the user's machine, even when the
//! user types it: azlin's own state and the keys SSH logs in with.

use crate::config::{Config, Paths, agent_dir};
use crate::plugin::local_paths::Protected;

/// The private keys azlin may log in with when none is configured.
const DEFAULT_KEYS: [&str; 3] = [".ssh/azlin_key", ".ssh/id_ed25519", ".ssh/id_rsa"];

/// azlin's directories, the agent's, the SSH key and known_hosts of `config`.
pub fn protected(paths: &Paths, config: &Config) -> Vec<Protected> {
    let state = |path: &std::path::Path, why| Protected {
        path: path.to_path_buf(),
        why,
    };
    let mut protected = vec![
        state(&paths.config_dir, "azlin's configuration directory"),
        state(&paths.plugin_dir, "azlin's plugin directory"),
        state(&paths.cache_dir, "azlin's cache directory"),
        state(&paths.config_file, "azlin's configuration file"),
        state(&agent_dir(), "the azlin agent's directory"),
    ];
    if let Some(home) = dirs::home_dir() {
        // The default place too, when AZLIN_CONFIG_DIR points elsewhere.
        protected.push(state(
            &home.join(".azlin"),
            "azlin's configuration directory",
        ));
        for key in DEFAULT_KEYS {
            protected.push(state(&home.join(key), "an SSH private key"));
        }
        if let Ok(ssh) = config.ssh(&home) {
            protected.push(state(&ssh.key, "the SSH key azlin logs in with"));
            protected.push(state(&ssh.known_hosts, "the known_hosts file azlin trusts"));
        }
    }
    protected
}
