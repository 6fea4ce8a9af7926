//! Test fixture: tries to leave the sandbox (files, environment, network,
//! stdin) and reports what happened, so tests can assert each is denied.

use azlin_sdk::HostError;
use azlin_sdk::bindings::azlin::host::host_info;
use azlin_sdk::prelude::*;
use std::io::Read;

struct Sandbox;

impl Command for Sandbox {
    fn describe() -> Info {
        Info::new("sandbox", "0.1.0", "Fixture: probes the WASI sandbox")
            .option(Opt::value("read", "PATH", "also try to read this file"))
            .option(Opt::value(
                "port",
                "PORT",
                "a loopback port where the test listens (TCP and UDP)",
            ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let given =
            std::fs::read(args.value("read").unwrap_or("/etc/hostname")).map(|bytes| bytes.len());
        let ssh_key = match host_info::config_value("ssh.key") {
            Ok(value) => Value::Text(format!("allowed: {value:?}")),
            Err(HostError::AccessDenied(why)) => Value::Text(format!("access-denied: {why}")),
            Err(other) => Value::Text(format!("failed: {other:?}")),
        };
        let file = std::fs::read("/etc/hostname").map(|bytes| bytes.len());
        let listing = std::fs::read_dir("/").map(|entries| entries.count());
        let written = std::fs::write("/tmp/azlin-sandbox-probe", b"escaped");
        let port = args.value("port").unwrap_or("22");
        let socket = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).map(|_| ());
        let datagram = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|udp| udp.send_to(b"escaped", format!("127.0.0.1:{port}")));
        let lookup =
            std::net::ToSocketAddrs::to_socket_addrs("localhost:22").map(|addrs| addrs.count());
        let mut stdin = String::new();
        let read_stdin = std::io::stdin().read_to_string(&mut stdin);
        output::record(
            "probes",
            vec![
                ("read_file".into(), outcome(file)),
                ("list_root".into(), outcome(listing)),
                ("write_file".into(), outcome(written)),
                ("tcp_connect".into(), outcome(socket)),
                ("udp_send".into(), outcome(datagram)),
                ("name_lookup".into(), outcome(lookup)),
                ("env_vars".into(), (std::env::vars().count() as i64).into()),
                ("args".into(), (std::env::args().count() as i64).into()),
                ("stdin_bytes".into(), outcome(read_stdin)),
                ("read_given".into(), outcome(given)),
                ("config_ssh_key".into(), ssh_key),
            ],
        )?;
        Ok(())
    }
}

fn outcome<T: std::fmt::Debug>(result: std::io::Result<T>) -> Value {
    match result {
        Ok(value) => Value::Text(format!("allowed: {value:?}")),
        Err(error) => Value::Text(format!("denied: {error}")),
    }
}

azlin_sdk::export_command!(Sandbox);
