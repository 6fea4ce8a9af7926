//! WASI is linked locked down: a plugin reaches no file, socket, name
//! service, environment variable, argument or stdin byte.

use azlin_tests::{Env, Via, fixtures};
use std::net::{TcpListener, UdpSocket};

/// The fixture's probes, run `via` the given way, with a loopback port where
/// this test listens on TCP and UDP: a permitted connection would arrive.
fn probes_via(via: &Via) -> (serde_json::Value, TcpListener, UdpSocket) {
    let env = Env::new();
    env.install(fixtures::SANDBOX, "sandbox");
    let tcp = TcpListener::bind("127.0.0.1:0").expect("listen on TCP");
    let port = tcp.local_addr().expect("the port").port();
    let udp = UdpSocket::bind(("127.0.0.1", port)).expect("listen on UDP, same port");
    tcp.set_nonblocking(true).expect("non-blocking TCP");
    udp.set_nonblocking(true).expect("non-blocking UDP");
    let run = env
        .azlin(["sandbox", "--port", &port.to_string(), "-o", "json"])
        .env("AZLIN_SECRET", "hunter2");
    let output = via.run(run).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    (json["probes"].clone(), tcp, udp)
}

fn denied(probes: &serde_json::Value, probe: &str) {
    let result = probes[probe].as_str().unwrap_or_default();
    assert!(result.starts_with("denied:"), "{probe}: {result}");
}

#[test]
fn a_plugin_cannot_read_list_or_write_files() {
    for via in Via::both() {
        let (probes, ..) = probes_via(&via);
        denied(&probes, "read_file");
        denied(&probes, "list_root");
        denied(&probes, "write_file");
        assert!(
            !std::path::Path::new("/tmp/azlin-sandbox-probe").exists(),
            "{}: the write escaped",
            via.name()
        );
    }
}

#[test]
fn a_plugin_cannot_open_a_socket_or_resolve_names() {
    for via in Via::both() {
        let (probes, tcp, udp) = probes_via(&via);
        denied(&probes, "tcp_connect");
        denied(&probes, "udp_send");
        denied(&probes, "name_lookup");
        // The plugin has finished: anything it sent has arrived by now.
        assert!(
            tcp.accept()
                .is_err_and(|error| error.kind() == std::io::ErrorKind::WouldBlock),
            "{}: a TCP connection reached the test's listener",
            via.name()
        );
        let mut buffer = [0u8; 16];
        assert!(
            udp.recv_from(&mut buffer)
                .is_err_and(|error| error.kind() == std::io::ErrorKind::WouldBlock),
            "{}: a datagram reached the test's socket",
            via.name()
        );
    }
}

#[test]
fn a_plugin_sees_no_environment_arguments_or_stdin() {
    for via in Via::both() {
        let (probes, ..) = probes_via(&via);
        assert_eq!(probes["env_vars"], 0, "{}", via.name());
        assert_eq!(probes["args"], 0, "{}", via.name());
        assert_eq!(
            probes["stdin_bytes"],
            "allowed: 0",
            "{}: stdin is closed: reading gives nothing",
            via.name()
        );
    }
}
