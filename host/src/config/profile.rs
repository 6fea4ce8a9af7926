//! Auth profiles as existing azlin writes them (`azlin auth setup`):
//! `~/.azlin/profiles/<name>.json`, chosen per command with
//! `--auth-profile NAME`. A profile holds no secret, so it cannot log in by
//! itself; it pins the subscription and tenant the command runs against,
//! over the active context's.

use super::ConfigError;
use super::contexts::{check_file_name, nearest, stems_in};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One profile, as far as azlin uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthProfile {
    pub name: String,
    pub subscription_id: String,
    pub tenant_id: Option<String>,
}

/// The file's fields; unknown ones (`client_id`, `use_certificate`,
/// `certificate_path`, …) are accepted and left alone.
#[derive(Deserialize)]
struct File {
    #[serde(default)]
    subscription_id: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
}

impl AuthProfile {
    /// Profile `name` of the user whose settings live in `config_dir`.
    pub fn load(config_dir: &Path, name: &str) -> Result<Self, ConfigError> {
        check_file_name("auth profile", name)?;
        let path = Self::path(config_dir, name);
        let text = std::fs::read_to_string(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NoProfile {
                name: name.into(),
                path: path.clone(),
                nearest: nearest(name, &stems_in(&config_dir.join("profiles"), ".json")),
            },
            _ => ConfigError::Read {
                path: path.clone(),
                source,
            },
        })?;
        let file: File =
            serde_json::from_str(&text).map_err(|error| ConfigError::ProfileParse {
                path: path.clone(),
                message: error.to_string(),
            })?;
        let present = |value: Option<String>| value.filter(|value| !value.trim().is_empty());
        let subscription_id = present(file.subscription_id).ok_or_else(|| {
            ConfigError::ProfileWithoutSubscription {
                name: name.into(),
                path: path.clone(),
            }
        })?;
        Ok(Self {
            name: name.into(),
            subscription_id,
            tenant_id: present(file.tenant_id),
        })
    }

    /// Where profile `name` of the user at `config_dir` lives.
    pub fn path(config_dir: &Path, name: &str) -> PathBuf {
        config_dir.join("profiles").join(format!("{name}.json"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir.join("profiles")).expect("profiles dir");
        std::fs::write(AuthProfile::path(dir, name), text).expect("write a profile");
    }

    #[test]
    fn a_profile_written_by_existing_azlin_is_read_and_its_other_fields_left_alone() {
        let dir = tempfile::tempdir().expect("a temp dir");
        write(
            dir.path(),
            "prod",
            r#"{"tenant_id": "t-1", "client_id": "c-1", "subscription_id": "s-1",
                "use_certificate": true, "certificate_path": "/etc/cert.pem"}"#,
        );
        let profile = AuthProfile::load(dir.path(), "prod").expect("a profile");
        assert_eq!(profile.subscription_id, "s-1");
        assert_eq!(profile.tenant_id.as_deref(), Some("t-1"));
    }

    #[test]
    fn a_missing_profile_names_the_nearest_ones() {
        let dir = tempfile::tempdir().expect("a temp dir");
        write(dir.path(), "production", r#"{"subscription_id": "s"}"#);
        let error = AuthProfile::load(dir.path(), "prodution").expect_err("missing");
        let message = error.to_string();
        assert!(message.contains("no auth profile 'prodution'"), "{message}");
        assert!(message.contains("did you mean 'production'?"), "{message}");
    }

    #[test]
    fn a_profile_without_a_subscription_or_not_json_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        write(
            dir.path(),
            "blank",
            r#"{"tenant_id": "t", "subscription_id": "  "}"#,
        );
        let message = AuthProfile::load(dir.path(), "blank")
            .expect_err("blank")
            .to_string();
        assert!(message.contains("records no subscription_id"), "{message}");
        assert!(message.contains("blank.json"), "{message}");
        write(dir.path(), "broken", "{\n\"subscription_id\": \n");
        let message = AuthProfile::load(dir.path(), "broken")
            .expect_err("broken")
            .to_string();
        assert!(message.contains("broken.json"), "{message}");
        assert!(message.contains("line 3"), "{message}");
        let message = AuthProfile::load(dir.path(), "../x")
            .expect_err("a path")
            .to_string();
        assert!(
            message.contains("not a valid auth profile name"),
            "{message}"
        );
    }
}
