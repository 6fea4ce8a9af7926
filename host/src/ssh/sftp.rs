//! SFTP on a pooled connection: the `sftp` subsystem on one channel, held
//! (with the connection's lease) as long as the session lives.

use russh::client::Msg;
use russh::{Channel, ChannelMsg};
use russh_sftp::client::SftpSession;
use tokio::sync::OwnedSemaphorePermit;

use super::connection::protocol_error;
use super::pool::Lease;
use super::{Destination, SshError};

/// An open SFTP session; its channel and connection are released when dropped.
pub struct Sftp {
    pub(crate) session: SftpSession,
    pub(crate) _lease: Lease,
    pub(crate) _permit: OwnedSemaphorePermit,
}

impl std::ops::Deref for Sftp {
    type Target = SftpSession;

    fn deref(&self) -> &SftpSession {
        &self.session
    }
}

impl std::fmt::Debug for Sftp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sftp").finish_non_exhaustive()
    }
}

/// Starts the `sftp` subsystem on `channel` and the protocol on top of it.
pub(crate) async fn start(
    mut channel: Channel<Msg>,
    to: &Destination,
) -> Result<SftpSession, SshError> {
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|error| protocol_error(to, error))?;
    loop {
        match channel.wait().await {
            Some(ChannelMsg::Success) => break,
            Some(ChannelMsg::Failure) => {
                return Err(SshError::Protocol {
                    dest: to.clone(),
                    why: "the server has no SFTP subsystem (sshd_config: Subsystem sftp …)".into(),
                });
            }
            Some(_) => {}
            None => return Err(protocol_error(to, russh::Error::Disconnect)),
        }
    }
    SftpSession::new(channel.into_stream())
        .await
        .map_err(|error| SshError::Protocol {
            dest: to.clone(),
            why: format!("the SFTP subsystem did not start: {error}"),
        })
}
