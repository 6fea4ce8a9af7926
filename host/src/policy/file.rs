//! Policy files: the ops team's system-wide `/etc/azlin/policy.toml` and the
//! user's `~/.azlin/policy.toml`, parsed with the line of every setting so a
//! refusal can name the line that decided it.

use super::VettingError;
use crate::plugin::Capability;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The system policy's path; packagers may build azlin with another.
pub const SYSTEM_POLICY: &str = match option_env!("AZLIN_SYSTEM_POLICY_PATH") {
    Some(path) => path,
    None => "/etc/azlin/policy.toml",
};

/// Which file a policy came from; the system's overrides the user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    System,
    User,
}

/// A place in a policy file, for messages: `/etc/azlin/policy.toml:7`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub path: PathBuf,
    pub line: usize,
    pub level: Level,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// Whether third-party plugins the user installed may run without a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThirdParty {
    Allow,
    Deny,
}

/// Ceilings a policy puts on runs: `[limits]`, or a rule's `limits`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ceilings {
    #[serde(alias = "memory-mib")]
    pub memory_mib: Option<f64>,
    #[serde(alias = "cpu-seconds")]
    pub cpu_seconds: Option<f64>,
    #[serde(alias = "wall-seconds")]
    pub wall_seconds: Option<f64>,
    #[serde(alias = "output-mib")]
    pub output_mib: Option<f64>,
    /// Targets one SSH fan-out may have.
    #[serde(alias = "max-hosts")]
    pub max_hosts: Option<u32>,
    /// Resource groups the plugin may read and change.
    #[serde(alias = "resource-groups")]
    pub resource_groups: Option<Vec<String>>,
}

/// A trusted publisher: a name and a minisign public key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublisherEntry {
    name: String,
    key: Spanned<String>,
}

/// A `[[plugin]]` rule as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    name: Option<String>,
    sha256: Option<String>,
    publisher: Option<String>,
    grants: Option<Spanned<Vec<Spanned<String>>>>,
    limits: Option<Ceilings>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(alias = "require-signature")]
    require_signature: Option<Spanned<bool>>,
    #[serde(alias = "third-party")]
    third_party: Option<Spanned<ThirdParty>>,
    limits: Option<Spanned<Ceilings>>,
    #[serde(default)]
    publisher: Vec<Spanned<PublisherEntry>>,
    #[serde(default)]
    plugin: Vec<Spanned<RuleEntry>>,
}

/// A trusted publisher key.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub key: minisign_verify::PublicKey,
    pub at: At,
}

/// A `[[plugin]]` rule: what it matches, what it grants, its ceilings.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: Option<String>,
    pub sha256: Option<String>,
    pub publisher: Option<String>,
    /// `None`: the rule does not restrict capabilities.
    pub grants: Option<Vec<Capability>>,
    pub limits: Ceilings,
    pub at: At,
}

impl Rule {
    /// Whether the rule pins bytes (by digest or publisher), so it may admit
    /// a plugin under `third_party = "deny"`.
    pub fn pins(&self) -> bool {
        self.sha256.is_some() || self.publisher.is_some()
    }

    /// Whether the rule applies to a plugin with this name, digest and publisher.
    pub fn matches(&self, name: &str, sha256: &str, publisher: Option<&str>) -> bool {
        self.name.as_deref().is_none_or(|wanted| wanted == name)
            && self
                .sha256
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(sha256))
            && self
                .publisher
                .as_deref()
                .is_none_or(|wanted| Some(wanted) == publisher)
    }
}

/// One policy file, checked.
#[derive(Debug, Clone)]
pub struct Policy {
    pub path: PathBuf,
    pub level: Level,
    pub require_signature: Option<(bool, At)>,
    pub third_party: Option<(ThirdParty, At)>,
    pub limits: Option<(Ceilings, At)>,
    pub publishers: Vec<Publisher>,
    pub rules: Vec<Rule>,
}

impl Policy {
    /// Reads the policy at `path`; `None` if there is no such file.
    pub fn load(path: &Path, level: Level) -> Result<Option<Self>, VettingError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(VettingError::PolicyRead {
                    path: path.into(),
                    source,
                });
            }
        };
        Self::parse(&text, path, level).map(Some)
    }

    /// Parses and checks a policy's text.
    pub fn parse(text: &str, path: &Path, level: Level) -> Result<Self, VettingError> {
        let invalid = |message: String| VettingError::PolicyInvalid {
            path: path.into(),
            message,
        };
        let file: PolicyFile = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
        let at = |start: usize| At {
            path: path.into(),
            line: text[..start.min(text.len())].matches('\n').count() + 1,
            level,
        };
        let publishers = file
            .publisher
            .into_iter()
            .map(|entry| {
                let place = at(entry.span().start);
                let entry = entry.into_inner();
                let key = minisign_verify::PublicKey::from_base64(entry.key.get_ref().trim())
                    .map_err(|_| {
                        invalid(format!(
                            "line {}: publisher '{}' has a key that is not a minisign public key (the base64 line of its .pub file, starting with RW)",
                            at(entry.key.span().start).line,
                            entry.name
                        ))
                    })?;
                Ok(Publisher {
                    name: entry.name,
                    key,
                    at: place,
                })
            })
            .collect::<Result<Vec<_>, VettingError>>()?;
        let rules = file
            .plugin
            .into_iter()
            .map(|entry| {
                let place = at(entry.span().start);
                let entry = entry.into_inner();
                rule(entry, place, &publishers, &at).map_err(invalid)
            })
            .collect::<Result<Vec<_>, VettingError>>()?;
        Ok(Self {
            path: path.into(),
            level,
            require_signature: file
                .require_signature
                .map(|value| (*value.get_ref(), at(value.span().start))),
            third_party: file
                .third_party
                .map(|value| (*value.get_ref(), at(value.span().start))),
            limits: file
                .limits
                .map(|value| (value.get_ref().clone(), at(value.span().start))),
            publishers,
            rules,
        })
    }
}

/// Checks one rule: a matcher, known capabilities, a digest of the right shape.
fn rule(
    entry: RuleEntry,
    place: At,
    publishers: &[Publisher],
    at: &dyn Fn(usize) -> At,
) -> Result<Rule, String> {
    let line = place.line;
    if entry.name.is_none() && entry.sha256.is_none() && entry.publisher.is_none() {
        return Err(format!(
            "line {line}: a [[plugin]] rule needs name, sha256 or publisher to say which plugins it is for"
        ));
    }
    if let Some(sha256) = &entry.sha256
        && !(sha256.len() == 64 && sha256.bytes().all(|byte| byte.is_ascii_hexdigit()))
    {
        return Err(format!(
            "line {line}: sha256 must be 64 hex digits (`azlin plugin inspect FILE` shows it)"
        ));
    }
    if let Some(publisher) = &entry.publisher
        && !publishers.iter().any(|known| &known.name == publisher)
    {
        return Err(format!(
            "line {line}: publisher '{publisher}' is not listed under [[publisher]] in this file"
        ));
    }
    let grants = entry
        .grants
        .map(|grants| {
            grants
                .into_inner()
                .into_iter()
                .map(|name| {
                    Capability::from_name(name.get_ref()).ok_or_else(|| {
                        format!(
                            "line {}: unknown capability '{}' (known: {})",
                            at(name.span().start).line,
                            name.get_ref(),
                            Capability::ALL.map(Capability::name).join(", ")
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .transpose()?;
    Ok(Rule {
        name: entry.name,
        sha256: entry.sha256.map(|sha256| sha256.to_ascii_lowercase()),
        publisher: entry.publisher,
        grants,
        limits: entry.limits.unwrap_or_default(),
        at: place,
    })
}
