//! `azlin plugin install FILE`: review a component, ask for (or take) the
//! capabilities it needs, copy it and its signature into the plugin
//! directory, and pin its sha256 in `plugins.lock`.

use super::{Usage, capabilities};
use crate::cli::settings::Settings;
use crate::plugin::{Capability, Entry, Loaded, Origin};
use crate::policy::{Candidate, Installed, Signed, signature_path};
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
    let signature = request
        .signature
        .clone()
        .unwrap_or_else(|| signature_path(&request.file));
    let candidate = Candidate {
        name: &loaded.info.name,
        version: &loaded.info.version,
        bytes: &bytes,
        needs: &loaded.capabilities,
        source: &request.file,
        signature: &signature,
    };
    let vetting = runtime.vetting();
    let signed = vetting.review(runtime.catalog(), &candidate)?;
    let grants = grants(&request, &loaded, settings).await?;
    let installed = vetting.install(runtime.catalog(), &candidate, signed, &grants)?;
    Ok(shown(&candidate, &installed, &grants))
}

/// The warnings and the record `plugin install` shows.
fn shown(candidate: &Candidate, installed: &Installed, grants: &[Capability]) -> Vec<Event> {
    let name = candidate.name;
    let mut events = Vec::new();
    if let Signed::Untrusted(why) = &installed.signed {
        events.push(Event::Warning(format!(
            "the signature of '{name}' was not verified: {why}"
        )));
    }
    let status = match &installed.verdict {
        Ok(_) => "ready",
        Err(refusal) => {
            events.push(Event::Warning(format!(
                "installed, but it will not run yet: {refusal}"
            )));
            "refused"
        }
    };
    events.push(Event::Record {
        name: "installed".into(),
        fields: vec![
            ("name".into(), Value::Text(name.into())),
            ("version".into(), Value::Text(candidate.version.into())),
            (
                "file".into(),
                Value::Text(installed.path.display().to_string()),
            ),
            ("sha256".into(), Value::Text(candidate.bytes.sha256.clone())),
            ("needs".into(), names(candidate.needs)),
            ("granted".into(), names(grants)),
            (
                "publisher".into(),
                installed
                    .signed
                    .publisher()
                    .map_or(Value::Empty, |publisher| Value::Text(publisher.into())),
            ),
            ("status".into(), Value::Text(status.into())),
        ],
    });
    events
}

/// The capabilities to grant: `--grant`, or with `--yes` all the plugin
/// needs, or the user's answer on a terminal.
async fn grants(
    request: &Request,
    loaded: &Loaded,
    settings: &Settings,
) -> anyhow::Result<Vec<Capability>> {
    let name = &loaded.info.name;
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
