//! The decision: may a plugin run, with which capabilities and ceilings.
//! The system policy is read first and the user's cannot loosen it; the
//! user's approval in `plugins.lock` is the last word for their own plugins.

use super::VettingError;
use super::error::fix_at;
use super::file::{At, Level, Policy, Publisher, Rule, ThirdParty};
use super::grant::Grant;
use super::lock::Pinned;
use super::signature::Signed;
use crate::plugin::Capability;
use std::path::Path;

/// The system and user policies in force.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub system: Option<Policy>,
    pub user: Option<Policy>,
}

impl Policies {
    /// Reads both policies; a missing file is no policy.
    pub fn load(system: &Path, user: &Path) -> Result<Self, VettingError> {
        Ok(Self {
            system: Policy::load(system, Level::System)?,
            user: Policy::load(user, Level::User)?,
        })
    }

    /// The policies, the system's first.
    pub fn layers(&self) -> impl Iterator<Item = &Policy> {
        self.system.iter().chain(self.user.iter())
    }

    /// Every trusted publisher key.
    pub fn publishers(&self) -> Vec<&Publisher> {
        self.layers()
            .flat_map(|policy| policy.publishers.iter())
            .collect()
    }

    /// Where signatures are required, if anywhere.
    pub fn require_signature(&self) -> Option<&At> {
        self.layers()
            .filter_map(|policy| policy.require_signature.as_ref())
            .find(|(required, _)| *required)
            .map(|(_, at)| at)
    }
}

/// Where a plugin comes from, as vetting sees it.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    /// Compiled into azlin: trusted by the digest built in with it.
    Builtin,
    /// A file the user installed (or merely dropped in the plugin directory).
    Installed {
        path: &'a Path,
        pinned: Option<&'a Pinned>,
    },
}

/// The plugin being judged.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub name: &'a str,
    pub sha256: &'a str,
    pub signed: &'a Signed,
    pub kind: Kind<'a>,
}

impl Subject<'_> {
    fn third_party(&self) -> bool {
        matches!(self.kind, Kind::Installed { .. })
    }

    /// The rules of `policy` that apply to this plugin. Publisher rules never
    /// apply to built-ins, which carry no signature.
    fn rules<'p>(&self, policy: &'p Policy) -> impl Iterator<Item = &'p Rule> + use<'p, '_> {
        policy.rules.iter().filter(move |rule| {
            (self.third_party() || rule.publisher.is_none())
                && rule.matches(self.name, self.sha256, self.signed.publisher())
        })
    }

    /// Whether `policy` admits only the plugins its rules name.
    fn denied_by_default<'p>(&self, policy: &'p Policy) -> Option<&'p At> {
        match &policy.third_party {
            Some((ThirdParty::Deny, at)) if self.third_party() => Some(at),
            _ => None,
        }
    }
}

/// May these bytes run at all? Checked before the plugin is compiled.
pub fn admit(subject: &Subject, policies: &Policies) -> Result<(), VettingError> {
    let Kind::Installed { path, pinned } = subject.kind else {
        return Ok(());
    };
    let name = subject.name.to_string();
    let pinned = pinned.ok_or_else(|| VettingError::NotInstalled {
        name: name.clone(),
        path: path.into(),
    })?;
    if !pinned.sha256.eq_ignore_ascii_case(subject.sha256) {
        return Err(VettingError::Changed {
            name,
            path: path.into(),
            pinned: pinned.sha256.clone(),
            now: subject.sha256.into(),
        });
    }
    if !pinned.enabled {
        return Err(VettingError::Disabled { name });
    }
    if let Signed::Invalid(why) = subject.signed {
        return Err(VettingError::BadSignature {
            name,
            why: why.clone(),
        });
    }
    if let Some(at) = policies.require_signature()
        && subject.signed.publisher().is_none()
    {
        let why = match subject.signed {
            Signed::Untrusted(why) => why.clone(),
            _ => "it has no signature".into(),
        };
        return Err(VettingError::Unsigned {
            name,
            why,
            at: at.clone(),
        });
    }
    for policy in policies.layers() {
        if let Some(at) = subject.denied_by_default(policy)
            && !subject.rules(policy).any(Rule::pins)
        {
            return Err(VettingError::NotAllowed {
                name,
                sha256: subject.sha256.into(),
                at: at.clone(),
            });
        }
    }
    Ok(())
}

/// Whether `capability` is granted: why it is, or the refusal naming the
/// line that would grant it.
pub fn capability(
    subject: &Subject,
    capability: Capability,
    policies: &Policies,
) -> Result<String, VettingError> {
    let mut allowed_by = Vec::new();
    for policy in policies.layers() {
        let listing: Vec<&Rule> = subject
            .rules(policy)
            .filter(|rule| rule.grants.is_some())
            .collect();
        let default_deny = subject.denied_by_default(policy);
        if listing.is_empty() && default_deny.is_none() {
            continue;
        }
        match listing.iter().find(|rule| {
            rule.grants
                .as_ref()
                .is_some_and(|grants| grants.contains(&capability))
        }) {
            Some(rule) => allowed_by.push(rule.at.to_string()),
            None => {
                let rule_at = listing
                    .first()
                    .map(|rule| &rule.at)
                    .or_else(|| subject.rules(policy).next().map(|rule| &rule.at))
                    .or(default_deny)
                    .expect("a listing rule or a default deny");
                return Err(not_granted(
                    subject,
                    capability,
                    policy_name(policy),
                    fix_at(
                        rule_at,
                        &format!(
                            "add \"{capability}\" to grants of the [[plugin]] rule at {rule_at}"
                        ),
                    ),
                ));
            }
        }
    }
    let base = match subject.kind {
        Kind::Builtin => "built-in".to_string(),
        Kind::Installed { pinned, .. } => {
            if !pinned.is_some_and(|pinned| pinned.grants(capability)) {
                return Err(not_granted(
                    subject,
                    capability,
                    "your approval in plugins.lock".into(),
                    format!("azlin plugin grant {} {capability}", subject.name),
                ));
            }
            "granted at install (plugins.lock)".to_string()
        }
    };
    Ok(match allowed_by.is_empty() {
        true => base,
        false => format!("{base}; allowed by {}", allowed_by.join(", ")),
    })
}

/// The grant of a plugin whose imports need `required`: refused at the
/// first capability not granted.
pub fn grant(
    subject: &Subject,
    required: &[Capability],
    policies: &Policies,
) -> Result<Grant, VettingError> {
    for &needed in required {
        capability(subject, needed, policies)?;
    }
    Ok(Grant {
        capabilities: required.to_vec(),
        ..ceilings(subject, policies)
    })
}

/// The whole verdict on a plugin under review (`plugin install`,
/// `inspect`): admission, then the grant of what `required` needs.
pub fn verdict(
    subject: &Subject,
    required: &[Capability],
    policies: &Policies,
) -> Result<Grant, VettingError> {
    admit(subject, policies)?;
    grant(subject, required, policies)
}

/// The limits and scope the policies set for this plugin, whatever it imports.
pub fn ceilings(subject: &Subject, policies: &Policies) -> Grant {
    let mut grant = Grant::default();
    for policy in policies.layers() {
        if subject.third_party()
            && let Some((ceilings, at)) = &policy.limits
        {
            grant.lower(ceilings, at);
        }
        for rule in subject.rules(policy) {
            grant.lower(&rule.limits, &rule.at);
        }
    }
    grant
}

fn policy_name(policy: &Policy) -> String {
    match policy.level {
        Level::System => format!("the system policy {}", policy.path.display()),
        Level::User => format!("your policy {}", policy.path.display()),
    }
}

fn not_granted(
    subject: &Subject,
    capability: Capability,
    who: String,
    fix: String,
) -> VettingError {
    VettingError::NotGranted {
        name: subject.name.into(),
        capability,
        interface: capability.interface(),
        who,
        fix,
    }
}
