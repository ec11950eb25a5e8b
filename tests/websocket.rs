//! src/websocket.rs against an independent server: Debian's python3-websockets
//! (tests/websocket_peer.py). Fragmented messages, pings during a call, both close
//! handshakes, dropped connections, timeouts and the size limit.

use apikeys::websocket::{Connector, Message, WebSocket};
use apikeys::ErrorKind;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// The Python peer, killed when dropped.
struct Peer {
    child: Child,
    _stdin: ChildStdin,
    port: u16,
    events: Receiver<String>,
}

/// A Python 3 that has the `websockets` module (Debian's python3-websockets lives in the
/// system interpreter, which may not be the first `python3` on PATH).
fn python() -> String {
    for candidate in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import websockets"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return candidate.to_owned();
        }
    }
    panic!("no python3 with the websockets module: install python3-websockets (tools/setup)");
}

impl Peer {
    fn start() -> Peer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/websocket_peer.py");
        let mut child = Command::new(python())
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let stdin = child.stdin.take().unwrap();
        let (tx, rx) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the peer prints its port");
        let port = first
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        Peer {
            child,
            _stdin: stdin,
            port,
            events: rx,
        }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/current", self.port)
    }

    fn connect(&self) -> WebSocket {
        connector()
            .connect(&self.url())
            .expect("handshake succeeds")
    }

    /// The close code the server saw for the next finished connection.
    fn next_close(&self) -> u16 {
        let line = self
            .events
            .recv_timeout(Duration::from_secs(10))
            .expect("the peer reports the closed connection");
        line.strip_prefix("closed ")
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("unexpected line: {line}"))
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connector() -> Connector {
    Connector::new(true, None, Duration::from_secs(10), "apikeys-test").unwrap()
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

fn call(ws: &mut WebSocket, command: &str) -> String {
    ws.send_text(command.as_bytes(), soon()).unwrap();
    text(ws.recv(soon()).unwrap())
}

fn text(m: Message) -> String {
    assert!(m.is_text(), "{m:?}");
    String::from_utf8(m.data().to_vec()).unwrap()
}

#[test]
fn echoes_small_and_large_messages_on_one_connection() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    assert_eq!(call(&mut ws, "echo hello"), "hello");
    assert_eq!(call(&mut ws, "echo "), "");
    let unicode = "grüße, 鍵 🔑";
    assert_eq!(call(&mut ws, &format!("echo {unicode}")), unicode);
    // 7-bit, 16-bit and 64-bit payload lengths in both directions; the server refuses
    // unmasked client frames, so these also prove our masking.
    for n in [125, 126, 65_535, 70_000, 1_000_000] {
        let payload = "k".repeat(n);
        assert_eq!(call(&mut ws, &format!("echo {payload}")).len(), n, "{n}");
    }
    ws.send_text(b"binary raw bytes", soon()).unwrap();
    let m = ws.recv(soon()).unwrap();
    assert!(!m.is_text());
    assert_eq!(m.data(), b"raw bytes");
    ws.close();
    assert_eq!(
        peer.next_close(),
        1000,
        "our close handshake reached the server"
    );
}

#[test]
fn fragmented_messages_are_reassembled() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    let text = "The quick brown fox jumps over the lazy dog";
    assert_eq!(call(&mut ws, &format!("fragments 7 {text}")), text);
    let long = "0123456789".repeat(20_000);
    assert_eq!(call(&mut ws, &format!("fragments 13 {long}")), long);
    // A ping between two fragments is answered and does not break the message.
    assert_eq!(call(&mut ws, "fragments-ping split in two"), "split in two");
    assert_eq!(call(&mut ws, "echo still in step"), "still in step");
}

#[test]
fn a_ping_during_a_call_is_answered() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    // The server pings while we wait for its reply and only answers once our pong arrived.
    assert_eq!(call(&mut ws, "ping abc"), "pong-ok abc");
    assert_eq!(call(&mut ws, "ping def"), "pong-ok def");
}

#[test]
fn a_server_close_is_answered_and_reported() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    ws.send_text(b"close 4001 maintenance", soon()).unwrap();
    let e = ws.recv(soon()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(e.message.contains("code 4001: maintenance"), "{e}");
    assert!(!ws.is_open());
    assert_eq!(peer.next_close(), 4001, "we echoed the server's close code");
    let again = ws.send_text(b"echo x", soon()).unwrap_err();
    assert_eq!(again.kind, ErrorKind::Transport);
}

#[test]
fn poll_notices_a_close_between_calls() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    assert!(
        ws.poll().unwrap().is_none(),
        "nothing waiting on an idle connection"
    );
    ws.send_text(b"close 1001 going away", soon()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let e = ws.poll().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert_eq!(peer.next_close(), 1001);
}

#[test]
fn a_dropped_connection_is_a_transport_error() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    ws.send_text(b"drop", soon()).unwrap();
    let e = ws.recv(soon()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(e.message.contains("without a close frame"), "{e}");
}

#[test]
fn silence_times_out() {
    let peer = Peer::start();
    let mut ws = peer.connect();
    ws.send_text(b"silence", soon()).unwrap();
    let started = Instant::now();
    let e = ws
        .recv(Instant::now() + Duration::from_millis(400))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(!ws.is_open(), "a timed-out connection is not reused");
}

#[test]
fn a_message_over_the_limit_closes_with_1009() {
    let peer = Peer::start();
    let mut ws = connector()
        .with_max_message(1000)
        .connect(&peer.url())
        .unwrap();
    assert_eq!(call(&mut ws, "big 1000").len(), 1000);
    ws.send_text(b"big 5000", soon()).unwrap();
    let e = ws.recv(soon()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(e.message.contains("too big"), "{e}");
    assert_eq!(peer.next_close(), 1009);
    // The same limit holds for a message that only grows too big through its fragments.
    let mut ws = connector()
        .with_max_message(1000)
        .connect(&peer.url())
        .unwrap();
    let e = {
        ws.send_text(
            format!("fragments 4 {}", "y".repeat(1200)).as_bytes(),
            soon(),
        )
        .unwrap();
        ws.recv(soon()).unwrap_err()
    };
    assert!(e.message.contains("too big"), "{e}");
    assert_eq!(peer.next_close(), 1009);
}

#[test]
fn connection_failures_are_named() {
    let peer = Peer::start();
    // Nothing listens on the next port (almost surely): refused, a transport error.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let free = listener.local_addr().unwrap().port();
    drop(listener);
    let e = connector()
        .connect(&format!("ws://127.0.0.1:{free}/"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    // TLS to a plain server fails in the TLS layer, not later.
    let e = connector()
        .connect(&format!("wss://127.0.0.1:{}/", peer.port))
        .unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Tls | ErrorKind::Transport),
        "{e}"
    );
    // An http:// URL is not a WebSocket URL.
    let e = connector()
        .connect(&format!("http://127.0.0.1:{}/", peer.port))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
}
