//! azlin's own tables in `config.toml` (existing azlin ignores them):
//! `[plugin_limits]`, `[cache]`, `[ssh]` and `[agent]`.

use super::{Bounds, Config, ConfigError, Limits, Operation, PLUGIN_QUOTA, SshSettings, Ttls};
use crate::clock;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Config {
    /// Limits for plugin runs: `[plugin_limits]` `memory_mib`, `cpu_seconds`,
    /// `wall_seconds`, `output_mib`, each defaulting to [`Limits::default`].
    pub fn limits(&self) -> Result<Limits, ConfigError> {
        let mut limits = Limits::default();
        let Some(section) = self.section("plugin_limits")? else {
            return Ok(limits);
        };
        if let Some(mib) = section.number("memory_mib", false)? {
            limits.memory_bytes = (mib as usize) << 20;
        }
        if let Some(seconds) = section.number("cpu_seconds", false)? {
            limits.cpu_time = clock::seconds(seconds);
        }
        if let Some(seconds) = section.number("wall_seconds", false)? {
            limits.wall_time = clock::seconds(seconds);
        }
        if let Some(mib) = section.number("output_mib", false)? {
            limits.output_bytes = (mib * (1u64 << 20) as f64) as u64;
        }
        Ok(limits)
    }

    /// Cache settings: `[cache]` `<operation>_ttl` in seconds (0 turns that
    /// operation's caching off) and `max_mib` (`plugin_quota_mib` is read by
    /// [`Config::plugin_cache_quota`]).
    pub fn cache(&self) -> Result<(Ttls, Bounds), ConfigError> {
        let mut ttls = Ttls::default();
        let mut bounds = Bounds::default();
        let Some(section) = self.section("cache")? else {
            return Ok((ttls, bounds));
        };
        for operation in Operation::ALL {
            if let Some(seconds) = section.number(&format!("{}_ttl", operation.name()), true)? {
                ttls.set(operation, clock::seconds(seconds));
            }
        }
        if let Some(mib) = section.number("max_mib", false)? {
            bounds.max_bytes = (mib * (1u64 << 20) as f64) as u64;
        }
        Ok((ttls, bounds))
    }

    /// `[arm]` `list_max_pages` and `list_timeout` (seconds): how far one
    /// ARM list may go, where set.
    pub fn arm_list(&self) -> Result<(Option<usize>, Option<Duration>), ConfigError> {
        let Some(section) = self.section("arm")? else {
            return Ok((None, None));
        };
        let pages = section
            .number("list_max_pages", false)?
            .map(|pages| pages as usize);
        let time = section.number("list_timeout", false)?.map(clock::seconds);
        Ok((pages, time))
    }

    /// Bytes each plugin may keep in the cache (`azlin:host/cache`):
    /// `[cache] plugin_quota_mib`, defaulting to [`PLUGIN_QUOTA`].
    pub fn plugin_cache_quota(&self) -> Result<u64, ConfigError> {
        let mib = match self.section("cache")? {
            Some(section) => section.number("plugin_quota_mib", false)?,
            None => None,
        };
        Ok(mib.map_or(PLUGIN_QUOTA, |mib| (mib * (1u64 << 20) as f64) as u64))
    }

    /// SSH settings: `[ssh]` `user`, `key`, `known_hosts`, `port`,
    /// `connect_timeout`, `idle_timeout` (seconds), `max_connections`, over
    /// the defaults for `home`; existing azlin's top-level
    /// `ssh_connect_timeout` is read too.
    pub fn ssh(&self, home: &Path) -> Result<SshSettings, ConfigError> {
        let mut settings = SshSettings::defaults(home);
        if let Some(seconds) = self.top_level_number("ssh_connect_timeout")? {
            settings.connect_timeout = clock::seconds(seconds);
        }
        let Some(section) = self.section("ssh")? else {
            return Ok(settings);
        };
        if let Some(user) = section.string("user")? {
            settings.user = user.to_string();
        }
        if let Some(key) = section.string("key")? {
            settings.key = expand_home(key, home);
        }
        if let Some(file) = section.string("known_hosts")? {
            settings.known_hosts = expand_home(file, home);
        }
        if let Some(port) = section.number("port", false)? {
            settings.port = port as u16;
        }
        if let Some(seconds) = section.number("connect_timeout", false)? {
            settings.connect_timeout = clock::seconds(seconds);
        }
        if let Some(seconds) = section.number("idle_timeout", false)? {
            settings.idle_timeout = clock::seconds(seconds);
        }
        if let Some(count) = section.number("max_connections", false)? {
            settings.max_connections = count as usize;
        }
        Ok(settings)
    }

    fn top_level_number(&self, key: &'static str) -> Result<Option<f64>, ConfigError> {
        match self.table().get(key) {
            None => Ok(None),
            Some(toml::Value::Integer(n)) if *n > 0 => Ok(Some(*n as f64)),
            Some(toml::Value::Float(n)) if n.is_finite() && *n > 0.0 => Ok(Some(*n)),
            Some(_) => Err(self.type_error(key, "a positive number")),
        }
    }

    /// Agent settings: `[agent]` `enabled` (true) and `idle_timeout` in seconds.
    pub fn agent(&self) -> Result<AgentSettings, ConfigError> {
        let mut settings = AgentSettings::default();
        let Some(section) = self.section("agent")? else {
            return Ok(settings);
        };
        if let Some(enabled) = section.flag("enabled")? {
            settings.enabled = enabled;
        }
        if let Some(seconds) = section.number("idle_timeout", false)? {
            settings.idle_timeout = clock::seconds(seconds);
        }
        Ok(settings)
    }

    fn section(&self, name: &'static str) -> Result<Option<Section<'_>>, ConfigError> {
        let Some(value) = self.table().get(name) else {
            return Ok(None);
        };
        let table = value
            .as_table()
            .ok_or_else(|| self.type_error(name, "a table"))?;
        Ok(Some(Section {
            config: self,
            name,
            table,
        }))
    }
}

/// One of azlin's tables, with typed reads that name the key on error.
struct Section<'a> {
    config: &'a Config,
    name: &'static str,
    table: &'a toml::Table,
}

impl Section<'_> {
    /// A string.
    fn string(&self, key: &str) -> Result<Option<&str>, ConfigError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(self
                .config
                .type_error(&format!("{}.{key}", self.name), "a string")),
        }
    }

    /// A boolean.
    fn flag(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Boolean(flag)) => Ok(Some(*flag)),
            Some(_) => Err(self
                .config
                .type_error(&format!("{}.{key}", self.name), "true or false")),
        }
    }

    /// A number (integer or float), positive, or also zero with `zero_ok`.
    fn number(&self, key: &str, zero_ok: bool) -> Result<Option<f64>, ConfigError> {
        let Some(value) = self.table.get(key) else {
            return Ok(None);
        };
        let number = match value {
            toml::Value::Integer(n) => *n as f64,
            toml::Value::Float(n) => *n,
            _ => f64::NAN,
        };
        let valid = number.is_finite() && (number > 0.0 || (zero_ok && number == 0.0));
        if !valid {
            let expected = if zero_ok {
                "a number of 0 or more"
            } else {
                "a positive number"
            };
            return Err(self
                .config
                .type_error(&format!("{}.{key}", self.name), expected));
        }
        Ok(Some(number))
    }
}

/// A path from config.toml (or typed by the user), with a leading `~/`
/// meaning `home`.
pub fn expand_home(path: &str, home: &Path) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => PathBuf::from(path),
    }
}

/// `[agent]` in config.toml: how commands reach the background agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentSettings {
    /// Run commands through the agent (else in-process, as `--no-agent`).
    pub enabled: bool,
    /// The agent exits after this long without a client.
    pub idle_timeout: Duration,
}

impl Default for AgentSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            idle_timeout: Duration::from_secs(600),
        }
    }
}
