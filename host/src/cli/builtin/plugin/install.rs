//! `azlin plugin install FILE`: review a component, ask for (or take) the
//! capabilities it needs, copy it and its signature into the plugin
//! directory, and pin its sha256 in `plugins.lock`.

use super::{Usage, capabilities};
use crate::cli::settings::Settings;
use crate::plugin::{Capability, Entry, Loaded, Origin};
use crate::policy::{
    self, Kind, Lock, Pinned, Signed, Subject, VettingError, check_signature, signature_path,
};
use crate::render;
use crate::runtime::{Event, Runtime, Value};
use std::path::{Path, PathBuf};

/// What the user asked to install.
#[derive(Debug)]
pub struct Request {
    pub file: PathBuf,
    pub grant: Vec<String>,
    pub yes: bool,
    pub signature: Option<PathBuf>,
}

/// Installs `request.file`; a plugin the policies would still refuse is
/// installed with a warning saying why.
pub async fn run(request: Request, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let runtime = Runtime::new(&settings.paths)?;
    let source = Entry {
        name: stem(&request.file),
        origin: Origin::File(request.file.clone()),
        shadowed: false,
    };
    let bytes = source.read()?;
    let loaded = runtime.review(&source, bytes.clone()).await?;
    let name = loaded.info.name.clone();
    if runtime.catalog().is_builtin(&name) {
        anyhow::bail!(
            "{} describes itself as '{name}', a built-in command; a plugin cannot replace a built-in\nhint: ask its author to rename the command",
            request.file.display()
        );
    }
    let vetting = runtime.vetting();
    let policies = vetting.policies()?;
    let signature = request
        .signature
        .clone()
        .unwrap_or_else(|| signature_path(&request.file));
    let signed = check_signature(&bytes.bytes, &signature, &policies.publishers());
    if let Signed::Invalid(why) = &signed {
        return Err(VettingError::BadSignature {
            name,
            why: why.clone(),
        }
        .into());
    }
    let grants = grants(&request, &name, &loaded, settings).await?;

    let target = runtime.catalog().plugin_dir().join(format!("{name}.wasm"));
    place(&request.file, &target, &bytes.bytes)?;
    place_signature(&signature, &signature_path(&target))?;
    let pinned = Pinned {
        version: loaded.info.version.clone(),
        sha256: bytes.sha256.clone(),
        needs: loaded
            .capabilities
            .iter()
            .map(|capability| capability.name().to_string())
            .collect(),
        grants: grants
            .iter()
            .map(|capability| capability.name().to_string())
            .collect(),
        publisher: signed.publisher().map(String::from),
        enabled: true,
    };
    let lock = Lock::change(&vetting.lock, |lock| {
        lock.plugins.insert(name.clone(), pinned);
    })?;

    let subject = Subject {
        name: &name,
        sha256: &bytes.sha256,
        signed: &signed,
        kind: Kind::Installed {
            path: &target,
            pinned: lock.plugins.get(&name),
        },
    };
    let verdict = policy::verdict(&subject, &loaded.capabilities, &policies);
    let mut events = Vec::new();
    if let Signed::Untrusted(why) = &signed {
        events.push(Event::Warning(format!(
            "the signature of '{name}' was not verified: {why}"
        )));
    }
    let status = match &verdict {
        Ok(_) => "ready".to_string(),
        Err(refusal) => {
            events.push(Event::Warning(format!(
                "installed, but it will not run yet: {refusal}"
            )));
            "refused".to_string()
        }
    };
    events.push(Event::Record {
        name: "installed".into(),
        fields: vec![
            ("name".into(), Value::Text(name.clone())),
            ("version".into(), Value::Text(loaded.info.version.clone())),
            ("file".into(), Value::Text(target.display().to_string())),
            ("sha256".into(), Value::Text(bytes.sha256.clone())),
            ("needs".into(), names(&loaded.capabilities)),
            ("granted".into(), names(&grants)),
            (
                "publisher".into(),
                signed
                    .publisher()
                    .map_or(Value::Empty, |publisher| Value::Text(publisher.into())),
            ),
            ("status".into(), Value::Text(status)),
        ],
    });
    Ok(events)
}

/// The capabilities to grant: `--grant`, or with `--yes` all the plugin
/// needs, or the user's answer on a terminal.
async fn grants(
    request: &Request,
    name: &str,
    loaded: &Loaded,
    settings: &Settings,
) -> anyhow::Result<Vec<Capability>> {
    if !request.grant.is_empty() {
        return capabilities(&request.grant).map_err(|message| Usage(message).into());
    }
    let needed = loaded.capabilities.clone();
    if request.yes || needed.is_empty() {
        return Ok(needed);
    }
    let listed = needed
        .iter()
        .map(|capability| capability.name())
        .collect::<Vec<_>>()
        .join(", ");
    let them = if needed.len() == 1 { "it" } else { "them" };
    if !settings.style.ask {
        return Err(Usage(format!(
            "plugin '{name}' needs {listed}, and nobody is at a terminal to approve that\nhint: add --yes to grant {them}, or --grant CAP,... to grant fewer"
        ))
        .into());
    }
    let question = format!(
        "plugin '{name}' {} (sha256 {}) needs {listed}; grant {them}?",
        loaded.info.version,
        short(&loaded.sha256),
    );
    if render::ask(&question, &mut std::io::stderr()).await? {
        Ok(needed)
    } else {
        Err(Usage(format!(
            "not installed: '{name}' was not granted {listed}\nhint: --grant CAP,... installs it with fewer, and it is refused until it has what it imports"
        ))
        .into())
    }
}

/// Copies the approved bytes into the plugin directory (atomically, so a
/// plugin running now never sees half a file).
fn place(source: &Path, target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if same_file(source, target) {
        return Ok(());
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|error| {
            anyhow::anyhow!(
                "cannot create the plugin directory {}: {error}",
                dir.display()
            )
        })?;
    }
    crate::atomic_file::write(target, bytes)
        .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", target.display()))
}

/// Puts the signature beside the installed plugin, or removes a stale one.
fn place_signature(source: &Path, target: &Path) -> anyhow::Result<()> {
    if same_file(source, target) {
        return Ok(());
    }
    match std::fs::read(source) {
        Ok(bytes) => crate::atomic_file::write(target, &bytes)
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", target.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::remove_file(target) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    anyhow::bail!(
                        "cannot remove the old signature {}: {error}",
                        target.display()
                    )
                }
                _ => Ok(()),
            }
        }
        Err(error) => anyhow::bail!("cannot read the signature {}: {error}", source.display()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn short(sha256: &str) -> &str {
    &sha256[..sha256.len().min(12)]
}

fn names(capabilities: &[Capability]) -> Value {
    Value::Texts(capabilities.iter().map(ToString::to_string).collect())
}
