//! `azlin:host/transfer`: files copied between the user's machine and VMs
//! over SFTP on the run's pooled connections. Each file is written under a
//! `.azlin-part` name beside its destination and renamed into place when
//! complete, so a copy cut off midway leaves nothing under the final name.

use super::HostError;
use super::remote::{Fleet, ssh_error};
use super::views::RemoteView;
use crate::exchange::{Event, Progress};
use crate::plugin::bindings::remote::Target;
use crate::plugin::bindings::transfer::{Copied, CopyOptions, Machine, Place};
use crate::plugin::bindings::types::{Error, VmRef};
use crate::plugin::dotfiles::{self, Source};
use crate::plugin::local_paths::LocalPaths;
use crate::plugin::state::OutputSink;
use crate::ssh::Sftp;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long connecting and starting SFTP may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes read and written at a time.
const CHUNK: usize = 1 << 20;
/// Suffix of a file being written.
const PART: &str = ".azlin-part";

impl crate::plugin::bindings::transfer::Host for RemoteView<'_> {
    async fn copy(
        &mut self,
        sources: Vec<Place>,
        destination: Place,
        options: CopyOptions,
    ) -> Result<Vec<Copied>, HostError> {
        Ok(self.copy_all(sources, destination, options).await?)
    }

    async fn push_dotfiles(
        &mut self,
        vm: VmRef,
        options: CopyOptions,
    ) -> Result<Vec<Copied>, HostError> {
        let target = self.in_scope(&Machine::Vm(vm))?;
        let (home, paths) = match (dirs::home_dir(), self.context.paths.as_ref()) {
            (Some(home), Some(paths)) => (home, paths),
            _ => return Err(Error::Unavailable("no home directory to push from".into()).into()),
        };
        let sources = dotfiles::sources(&home, &paths.config_dir, &self.context.local);
        let fleet = self.fleet()?;
        let sftp = open(&fleet, &target, &options).await?;
        let mut copied = Vec::new();
        for source in sources {
            match source {
                Source::Push(from) => {
                    copied.push(upload(&sftp, &from, "./", true, &options, self.output).await?);
                }
                Source::Skipped { path, why } => {
                    let note = format!("{} is not pushed: {why}", path.display());
                    self.output.send(Event::Warning(note)).await?;
                }
            }
        }
        Ok(copied)
    }
}

impl RemoteView<'_> {
    async fn copy_all(
        &mut self,
        sources: Vec<Place>,
        destination: Place,
        options: CopyOptions,
    ) -> Result<Vec<Copied>, Error> {
        let fleet = self.fleet()?;
        let many = sources.len() > 1;
        let mut copied = Vec::new();
        match destination {
            Place::Remote((host, path)) => {
                let target = self.in_scope(&host)?;
                let sftp = open(&fleet, &target, &options).await?;
                for source in sources {
                    let Place::Local(local) = source else {
                        return Err(one_side_each());
                    };
                    let from = self.local_path(&local)?;
                    let to = remote_path(&path);
                    let done = upload(&sftp, &from, &to, many, &options, self.output).await?;
                    copied.push(done);
                }
            }
            Place::Local(local) => {
                let to = self.local_path(&local)?;
                for source in sources {
                    let Place::Remote((host, path)) = source else {
                        return Err(one_side_each());
                    };
                    let target = self.in_scope(&host)?;
                    let sftp = open(&fleet, &target, &options).await?;
                    let from = remote_path(&path);
                    let local = &self.context.local;
                    let done =
                        download(&sftp, &from, &to, many, &options, local, self.output).await?;
                    copied.push(done);
                }
            }
        }
        Ok(copied)
    }

    /// `host` as a target of the plugin's scope.
    fn in_scope(&self, host: &Machine) -> Result<Target, Error> {
        let target = match host {
            Machine::Vm(vm) => Target::Vm(vm.clone()),
            Machine::Address(address) => Target::Address(address.clone()),
        };
        self.target_in_scope(&target)?;
        Ok(target)
    }
}

/// An SFTP session to `target` on its pooled connection.
async fn open(fleet: &Fleet, target: &Target, options: &CopyOptions) -> Result<Sftp, Error> {
    let to = fleet.destination(target, options.user.as_deref()).await?;
    fleet
        .pool()
        .sftp(&to, OPEN_TIMEOUT)
        .await
        .map_err(ssh_error)
}

fn one_side_each() -> Error {
    Error::InvalidInput(
        "one side of a copy must be local and the other a VM: SOURCE… VM:PATH or VM:PATH… DEST"
            .into(),
    )
}

/// A remote path as SFTP takes it: relative paths are from the login
/// user's home, so `~/x` is `x` and `~` is `.`.
fn remote_path(typed: &str) -> String {
    match typed {
        "~" | "~/" => "./".into(),
        _ => typed.strip_prefix("~/").unwrap_or(typed).to_string(),
    }
}

/// A read or write of `what` that failed.
fn failed(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Remote(format!("{what}: {error}"))
}

/// The last part of a path, for copying into a directory.
fn base_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

async fn upload(
    sftp: &Sftp,
    from: &Path,
    to: &str,
    many: bool,
    options: &CopyOptions,
    output: &mut OutputSink,
) -> Result<Copied, Error> {
    let shown = from.display().to_string();
    let metadata = tokio::fs::metadata(from)
        .await
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound(format!("{shown}: no such file")),
            _ => failed(&shown, error),
        })?;
    if metadata.is_dir() {
        return Err(Error::InvalidInput(format!(
            "{shown} is a directory; cp copies files"
        )));
    }
    let into_dir =
        many || to.ends_with('/') || sftp.metadata(to).await.is_ok_and(|found| found.is_dir());
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = if into_dir {
        format!("{}/{name}", to.trim_end_matches('/'))
    } else {
        to.to_string()
    };
    let copied = Copied {
        source: shown.clone(),
        destination: target.clone(),
        bytes: metadata.len(),
    };
    if options.dry_run {
        return Ok(copied);
    }
    let part = format!("{target}{PART}");
    let mut reader = tokio::fs::File::open(from)
        .await
        .map_err(|e| failed(&shown, e))?;
    let written = async {
        let mut writer = sftp
            .create(part.clone())
            .await
            .map_err(|e| failed(&part, e))?;
        pump(&mut reader, &mut writer, &shown, metadata.len(), output).await?;
        writer.shutdown().await.map_err(|e| failed(&part, e))?;
        if sftp.try_exists(target.clone()).await.unwrap_or(false) {
            sftp.remove_file(target.clone())
                .await
                .map_err(|e| failed(&target, e))?;
        }
        sftp.rename(part.clone(), target.clone())
            .await
            .map_err(|e| failed(&target, e))
    };
    if let Err(error) = written.await {
        let _ = sftp.remove_file(part).await;
        return Err(error);
    }
    Ok(copied)
}

async fn download(
    sftp: &Sftp,
    from: &str,
    to: &Path,
    many: bool,
    options: &CopyOptions,
    local: &LocalPaths,
    output: &mut OutputSink,
) -> Result<Copied, Error> {
    let metadata = sftp
        .metadata(from)
        .await
        .map_err(|error| Error::NotFound(format!("{from} on the VM: {error}")))?;
    if metadata.is_dir() {
        return Err(Error::InvalidInput(format!(
            "{from} is a directory; cp copies files"
        )));
    }
    let into_dir = many || to.is_dir() || to.as_os_str().to_string_lossy().ends_with('/');
    let target = if into_dir {
        local
            .child(to, base_name(from))
            .map_err(Error::AccessDenied)?
    } else {
        to.to_path_buf()
    };
    let shown = target.display().to_string();
    let copied = Copied {
        source: from.to_string(),
        destination: shown.clone(),
        bytes: metadata.len(),
    };
    if options.dry_run {
        return Ok(copied);
    }
    let mut part = target.clone().into_os_string();
    part.push(PART);
    let part = PathBuf::from(part);
    let written = async {
        let mut reader = sftp.open(from).await.map_err(|e| failed(from, e))?;
        let mut writer = tokio::fs::File::create(&part)
            .await
            .map_err(|e| failed(&shown, e))?;
        pump(&mut reader, &mut writer, from, metadata.len(), output).await?;
        writer.sync_all().await.map_err(|e| failed(&shown, e))?;
        tokio::fs::rename(&part, &target)
            .await
            .map_err(|e| failed(&shown, e))
    };
    if let Err(error) = written.await {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(error);
    }
    Ok(copied)
}

/// Copies `reader` to `writer`, showing progress under `label`.
async fn pump(
    reader: &mut (impl AsyncRead + Unpin),
    writer: &mut (impl AsyncWrite + Unpin),
    label: &str,
    total: u64,
    output: &mut OutputSink,
) -> Result<(), Error> {
    let mut buffer = vec![0u8; CHUNK];
    let mut done = 0u64;
    loop {
        let read = reader
            .read(&mut buffer)
            .await
            .map_err(|e| failed(label, e))?;
        if read == 0 {
            break;
        }
        writer
            .write_all(&buffer[..read])
            .await
            .map_err(|e| failed(label, e))?;
        done += read as u64;
        let progress = Progress {
            label: label.to_string(),
            done,
            total: Some(total),
        };
        let _ = output.send(Event::Progress(progress)).await;
    }
    writer.flush().await.map_err(|e| failed(label, e))
}
