//! Host keys checked against a known_hosts file: a recorded key passes, a
//! host with no key recorded has its key recorded (trust on first use), and
//! any other key is refused, whatever its type.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use russh::keys::{self, PublicKey, known_hosts};

use super::{Destination, SshError};

/// One known_hosts file, shared by every connection of a pool.
#[derive(Debug)]
pub(crate) struct KnownHosts {
    path: PathBuf,
    /// Serialises check-then-append, so two new hosts never interleave lines.
    file: Mutex<()>,
}

impl KnownHosts {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: Mutex::new(()),
        }
    }

    /// Accepts `key` for `dest` if recorded, records it if no key at all
    /// is recorded for the host, and refuses it otherwise: a server that
    /// offers a key of another type than the recorded one is refused too,
    /// as a man in the middle would offer one.
    pub(crate) fn verify(&self, dest: &Destination, key: &PublicKey) -> Result<(), SshError> {
        let _file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let recorded = self
            .recorded(dest)
            .map_err(|error| self.unusable(dest, error))?;
        match judge(&recorded, key) {
            Verdict::Known => Ok(()),
            Verdict::New => {
                self.learn(dest, key)
                    .map_err(|error| self.unusable(dest, error))?;
                tracing::warn!(
                    "recorded the host key of {dest} in {} (trust on first use)",
                    self.path.display()
                );
                Ok(())
            }
            Verdict::Changed { line } => Err(SshError::HostKeyChanged {
                dest: dest.clone(),
                path: self.path.clone(),
                line: physical_line(&self.path, line),
            }),
        }
    }

    /// Every key the file records for `dest` (its host on port 22, else
    /// `[host]:port`; plain or `|1|` hashed), with russh's line numbers.
    /// None when the file does not exist yet; an error when it exists but
    /// cannot be read, which russh alone would take for an empty file.
    fn recorded(&self, dest: &Destination) -> Result<Vec<(usize, PublicKey)>, keys::Error> {
        match File::open(&self.path) {
            Ok(_) => known_hosts::known_host_keys_path(&dest.host, dest.port, &self.path),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(Vec::new()),
            Err(error) => Err(error.into()),
        }
    }

    /// Appends `host key` (`[host]:port key` off port 22) in one write.
    /// Not russh's `learn_known_hosts_path`: it starts a new file with an
    /// empty line, which shifts every line number a fix would quote.
    fn learn(&self, dest: &Destination, key: &PublicKey) -> std::io::Result<()> {
        let unterminated = match fs::read(&self.path) {
            Ok(text) => text.last().is_some_and(|last| *last != b'\n'),
            Err(error) if error.kind() == ErrorKind::NotFound => false,
            Err(error) => return Err(error),
        };
        let host = if dest.port == 22 {
            dest.host.clone()
        } else {
            format!("[{}]:{}", dest.host, dest.port)
        };
        let key = key.to_openssh().map_err(std::io::Error::other)?;
        let line = format!("{}{host} {key}\n", if unterminated { "\n" } else { "" });
        if let Some(parent) = self.path.parent() {
            fs::create_dir_all(parent)?;
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?
            .write_all(line.as_bytes())
    }

    fn unusable(&self, dest: &Destination, why: impl ToString) -> SshError {
        SshError::KnownHosts {
            dest: dest.clone(),
            path: self.path.clone(),
            why: why.to_string(),
        }
    }
}

/// What the keys recorded for a host say of the key it offers.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// No key is recorded for the host: trust it on first use.
    New,
    /// One of the recorded keys is the offered one.
    Known,
    /// Keys are recorded and none is the offered one. `line` (russh's count)
    /// is the first of the offered key's type, else the first of any type.
    Changed { line: usize },
}

fn judge(recorded: &[(usize, PublicKey)], offered: &PublicKey) -> Verdict {
    if recorded
        .iter()
        .any(|(_, key)| key.key_data() == offered.key_data())
    {
        return Verdict::Known;
    }
    let same_type = recorded
        .iter()
        .find(|(_, key)| key.algorithm() == offered.algorithm());
    match same_type.or(recorded.first()) {
        Some((line, _)) => Verdict::Changed { line: *line },
        None => Verdict::New,
    }
}

/// russh numbers known_hosts lines without counting `#` comments; this turns
/// its number back into the file's own line number, the one an editor shows.
fn physical_line(path: &Path, counted: usize) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        return counted;
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#'))
        .nth(counted.saturating_sub(1))
        .map_or(counted, |(index, _)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP27xQsDsAd58eqpzHl2YbAUlF4rFCw3c6pfSkIIIq0y";
    const OTHER_ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICM27f++TO3NyNJqsOn8BjZYgcmJyIkJnmsAiGnuH+WG";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKr7Y56cr+eXeRdhhEgnLgOIYrobRLXCIrfGHJ/g23jVWNleBBE+m5mz7z2tcud+bW8KY+wpH0w488kEj1lfPrk=";
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC47QK7EueVm7nWDXzy7a+Dl/DgpgEJ1FzWZvQlG5iR0u5mh5H6H7+M0Cui32Eb1/lS5cu03qMXvwGi7Y7lovmbrm5GCzV/pzjAj+goXTXPjs239bryS7lwYOm2LULA40O6I6pY1Y9a1J23xLVVVpFKOxuc6uFEySoLzmSIpjPtfCcA2mj70mxhONCDi2gZClVfsaGq00mSpebXLaCiChHiv9HS//MGDJM6hHMJ+F17K1KLpiwLMIQcxQ2Hm9N/M28rmhh9XeOE9tLyr/pUAk2HYyEXwtt7mhgpqKqmXIfx8ljYQelrTxk1dUHCOsbZLCRVtEYyLxtfMjel5gXp8iPf";
    /// `10.0.0.4` and `[10.0.0.4]:2222` as `ssh-keygen -H` hashes them.
    const HASHED_22: &str = "|1|lIqfjgMQ+d0/b3SuYXOFnHV3Dls=|eexMYYDLW5jUApBpPF1UAYeBuQA=";
    const HASHED_2222: &str = "|1|yPaAvA3aM9im6nigla3xSvqfeKY=|YLNNdRbNN1s76ptpfd+CvSihLDM=";

    fn key(line: &str) -> PublicKey {
        let base64 = line.split(' ').nth(1).expect("type and key");
        keys::parse_public_key_base64(base64).expect("a public key")
    }

    fn dest(port: u16) -> Destination {
        Destination {
            user: "azureuser".to_string(),
            host: "10.0.0.4".to_string(),
            port,
        }
    }

    /// Checks `offered` for `10.0.0.4:port` against a known_hosts holding
    /// `recorded`; the outcome and the file's bytes afterwards.
    fn check(recorded: &str, port: u16, offered: &str) -> (Result<(), SshError>, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, recorded).unwrap();
        let outcome = KnownHosts::new(path.clone()).verify(&dest(port), &key(offered));
        (outcome, std::fs::read_to_string(&path).unwrap())
    }

    /// Asserts `offered` is refused as a changed key blamed on `line`,
    /// and the file left as it was.
    fn assert_refused(recorded: &str, port: u16, offered: &str, line: usize) {
        let (outcome, after) = check(recorded, port, offered);
        match outcome {
            Err(SshError::HostKeyChanged { line: blamed, .. }) => assert_eq!(blamed, line),
            other => panic!("expected HostKeyChanged at line {line}, got {other:?}"),
        }
        assert_eq!(after, recorded);
    }

    #[test]
    fn an_rsa_key_is_refused_where_an_ed25519_key_is_recorded() {
        assert_refused(&format!("10.0.0.4 {ED25519}\n"), 22, RSA, 1);
    }

    #[test]
    fn an_ed25519_key_is_refused_where_an_ecdsa_key_is_recorded() {
        let recorded = format!("# comment\n10.0.0.5 {ED25519}\nname,10.0.0.4 {ECDSA}\n");
        assert_refused(&recorded, 22, ED25519, 3);
    }

    #[test]
    fn a_hashed_entry_of_another_type_refuses_the_key() {
        assert_refused(&format!("{HASHED_22} {ED25519}\n"), 22, ECDSA, 1);
        assert_refused(&format!("{HASHED_2222} {ECDSA}\n"), 2222, RSA, 1);
    }

    #[test]
    fn a_port_entry_of_another_type_refuses_the_key_on_that_port_only() {
        let recorded = format!("[10.0.0.4]:2222 {ED25519}\n");
        assert_refused(&recorded, 2222, ECDSA, 1);
        let (outcome, after) = check(&recorded, 22, ECDSA);
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(after, format!("{recorded}10.0.0.4 {ECDSA}\n"));
    }

    #[test]
    fn the_blamed_line_is_the_one_of_the_offered_keys_type() {
        let recorded = format!("10.0.0.4 {ECDSA}\n10.0.0.4 {ED25519}\n");
        assert_refused(&recorded, 22, OTHER_ED25519, 2);
    }

    #[test]
    fn any_recorded_key_of_the_host_is_accepted_and_nothing_is_added() {
        let recorded = format!("10.0.0.4 {ED25519}\n{HASHED_22} {RSA}\n");
        for offered in [ED25519, RSA] {
            let (outcome, after) = check(&recorded, 22, offered);
            assert!(outcome.is_ok(), "{offered}: {outcome:?}");
            assert_eq!(after, recorded);
        }
    }

    #[test]
    fn a_host_with_no_recorded_key_is_recorded_on_first_use() {
        let recorded = format!("10.0.0.5 {ED25519}\n[10.0.0.4]:2222 {RSA}");
        let (outcome, after) = check(&recorded, 22, ECDSA);
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(after, format!("{recorded}\n10.0.0.4 {ECDSA}\n"));
    }

    #[test]
    fn an_unreadable_known_hosts_refuses_rather_than_trusts() {
        let dir = tempfile::tempdir().unwrap();
        let outcome = KnownHosts::new(dir.path().to_path_buf()).verify(&dest(22), &key(RSA));
        assert!(
            matches!(outcome, Err(SshError::KnownHosts { .. })),
            "{outcome:?}"
        );
    }

    #[test]
    fn line_numbers_count_comment_lines_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, "# one\na k\n# three\nb k\n").unwrap();
        assert_eq!(physical_line(&path, 1), 2);
        assert_eq!(physical_line(&path, 2), 4);
    }
}
