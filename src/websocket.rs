//! A minimal RFC 6455 WebSocket client: what TrueNAS's JSON-RPC API (`/api/current`,
//! contracts-truenas.md 4.2) needs, and no more. No WebSocket crate is packaged for this
//! project's toolchain (../shared/docs/toolchain.md), so this module is our own.
//!
//! What it does:
//! - `ws://` and `wss://` (native-tls over a std `TcpStream`, configured like the session's
//!   HTTP client: certificate verification on or off, an extra CA file);
//! - the opening handshake with a random `Sec-WebSocket-Key` and the `Sec-WebSocket-Accept`
//!   check (RFC 6455 4.1), no extensions and no subprotocols;
//! - masked client frames (5.3), text and binary messages, fragmented incoming messages
//!   reassembled (5.4), pings answered with pongs whenever we read, also while waiting for a
//!   reply (5.5.2), the close handshake both ways (5.5.1, 7);
//! - a deadline on every read and write, and a maximum message size.
//!
//! What it does not: extensions (compression), subprotocols, proxies (the socket connects
//! directly, also when `HTTPS_PROXY` is set), redirects, sending fragmented messages.
//!
//! Secrets: the login message of a session carries a key or password. Every buffer that held
//! frame bytes is zeroed before it is freed or reused (the outgoing frame, the receive buffer,
//! reassembled messages); messages are handed out as [`Zeroizing`] buffers.

use crate::config::SessionConfig;
use crate::error::{Error, ErrorKind, Result};
use sha1::{Digest, Sha1};
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use zeroize::{Zeroize, Zeroizing};

/// RFC 6455 1.3: the GUID appended to the key before hashing.
const ACCEPT_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// Longest handshake answer we read before giving up (headers only).
const MAX_HANDSHAKE_BYTES: usize = 16 * 1024;
/// Default largest incoming message: the HTTP client's body cap, so a key list that fits one
/// fits the other.
pub const DEFAULT_MAX_MESSAGE: usize = 64 << 20;
/// How long a client-initiated close waits for the server's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Frame opcodes (RFC 6455 5.2).
pub mod opcode {
    pub const CONTINUATION: u8 = 0x0;
    pub const TEXT: u8 = 0x1;
    pub const BINARY: u8 = 0x2;
    pub const CLOSE: u8 = 0x8;
    pub const PING: u8 = 0x9;
    pub const PONG: u8 = 0xA;
}

/// Close status codes we send (RFC 6455 7.4.1).
pub mod close_code {
    pub const NORMAL: u16 = 1000;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const INVALID_DATA: u16 = 1007;
    pub const TOO_BIG: u16 = 1009;
}

/// One complete incoming message.
pub enum Message {
    Text(Zeroizing<Vec<u8>>),
    Binary(Zeroizing<Vec<u8>>),
}

impl Message {
    /// The payload; for `Text` it is valid UTF-8.
    pub fn data(&self) -> &[u8] {
        match self {
            Message::Text(d) | Message::Binary(d) => d,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self, Message::Text(_))
    }
}

impl fmt::Debug for Message {
    // A message may hold a secret (a created key): only its size is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Text(d) => write!(f, "Text({} bytes)", d.len()),
            Message::Binary(d) => write!(f, "Binary({} bytes)", d.len()),
        }
    }
}

/// How to open connections: TLS settings, timeouts, limits. Cheap to clone; build it once per
/// session (the CA file is read here, not per connection).
#[derive(Clone)]
pub struct Connector {
    tls: native_tls::TlsConnector,
    timeout: Duration,
    user_agent: String,
    max_message: usize,
}

impl Connector {
    /// `verify`: check the server's certificate chain and name. `ca_pem`: an extra CA to trust.
    /// `timeout`: connect, handshake and close each get this long.
    pub fn new(
        verify: bool,
        ca_pem: Option<&[u8]>,
        timeout: Duration,
        user_agent: &str,
    ) -> Result<Self> {
        let mut builder = native_tls::TlsConnector::builder();
        // The same choices as the HTTP client (http.rs): no verification means neither the
        // chain nor the name is checked.
        if !verify {
            builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        if let Some(pem) = ca_pem {
            let cert = native_tls::Certificate::from_pem(pem).map_err(|e| {
                Error::invalid("tls.caFile", format!("is not a PEM certificate: {e}"))
            })?;
            builder.add_root_certificate(cert);
        }
        let tls = builder
            .build()
            .map_err(|e| Error::new(ErrorKind::Tls, format!("cannot set up TLS: {e}")))?;
        Ok(Connector {
            tls,
            timeout,
            user_agent: user_agent.to_owned(),
            max_message: DEFAULT_MAX_MESSAGE,
        })
    }

    /// The session's TLS settings, timeout and user agent.
    pub fn from_config(config: &SessionConfig) -> Result<Self> {
        let pem =
            match &config.tls.ca_file {
                Some(path) => Some(std::fs::read(path).map_err(|e| {
                    Error::invalid("tls.caFile", format!("cannot read '{path}': {e}"))
                })?),
                None => None,
            };
        Connector::new(
            config.tls.verify,
            pem.as_deref(),
            Duration::from_millis(config.timeout_ms),
            &config.user_agent(),
        )
    }

    /// Largest incoming message accepted; a bigger one closes the connection (code 1009).
    /// Defaults to [`DEFAULT_MAX_MESSAGE`].
    pub fn with_max_message(mut self, bytes: usize) -> Self {
        self.max_message = bytes;
        self
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Opens a connection to a `ws://` or `wss://` URL and performs the opening handshake.
    /// The URL holds no secret (it is quoted in errors).
    pub fn connect(&self, url: &str) -> Result<WebSocket> {
        let deadline = Instant::now() + self.timeout;
        let target = Target::parse(url)?;
        let tcp = connect_tcp(&target, deadline)?;
        let _ = tcp.set_nodelay(true);
        let stream = if target.secure {
            set_deadline(&tcp, deadline, &target.authority)?;
            match self.tls.connect(&target.tls_name, tcp) {
                Ok(s) => Stream::Tls(Box::new(s)),
                Err(native_tls::HandshakeError::WouldBlock(_)) => {
                    return Err(timeout_error(&target.authority, "the TLS handshake"))
                }
                Err(native_tls::HandshakeError::Failure(e)) => {
                    return Err(Error::new(
                        ErrorKind::Tls,
                        format!("TLS with {} failed: {e}", target.authority),
                    ))
                }
            }
        } else {
            Stream::Plain(tcp)
        };
        let mut ws = WebSocket {
            stream,
            buf: Vec::new(),
            partial: None,
            max_message: self.max_message,
            state: State::Open,
            peer: target.authority.clone(),
        };
        ws.handshake(&target, &self.user_agent, deadline)?;
        Ok(ws)
    }
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("timeout", &self.timeout)
            .field("max_message", &self.max_message)
            .finish_non_exhaustive()
    }
}

/// Where to connect, from a `ws://` or `wss://` URL.
#[derive(Debug)]
struct Target {
    secure: bool,
    /// `host:port` as shown in errors and sent in `Host` (port left out when default).
    authority: String,
    host_header: String,
    /// The name checked against the certificate (a domain or an IP address).
    tls_name: String,
    addrs: Vec<SocketAddr>,
    /// Path and query, e.g. `/api/current`.
    resource: String,
}

impl Target {
    fn parse(text: &str) -> Result<Target> {
        let url = url::Url::parse(text)
            .map_err(|e| Error::invalid("url", format!("'{text}' is not a URL: {e}")))?;
        let secure = match url.scheme() {
            "ws" => false,
            "wss" => true,
            other => {
                return Err(Error::invalid(
                    "url",
                    format!("'{other}' is not a WebSocket scheme (ws or wss)"),
                ))
            }
        };
        if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(
                "url",
                "must not contain credentials or a fragment",
            ));
        }
        let host = url
            .host()
            .ok_or_else(|| Error::invalid("url", "has no host"))?;
        let tls_name = match &host {
            url::Host::Domain(d) => (*d).to_owned(),
            url::Host::Ipv4(ip) => ip.to_string(),
            url::Host::Ipv6(ip) => ip.to_string(),
        };
        let port = url
            .port_or_known_default()
            .unwrap_or(if secure { 443 } else { 80 });
        let host_text = url.host_str().unwrap_or_default().to_owned();
        let host_header = match url.port() {
            Some(p) => format!("{host_text}:{p}"),
            None => host_text.clone(),
        };
        let authority = format!("{host_text}:{port}");
        let addrs = url.socket_addrs(|| Some(port)).map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("cannot resolve {host_text}: {e}"),
            )
        })?;
        let mut resource = url.path().to_owned();
        if let Some(q) = url.query() {
            resource.push('?');
            resource.push_str(q);
        }
        Ok(Target {
            secure,
            authority,
            host_header,
            tls_name,
            addrs,
            resource,
        })
    }
}

fn connect_tcp(target: &Target, deadline: Instant) -> Result<TcpStream> {
    let mut last: Option<io::Error> = None;
    for addr in &target.addrs {
        let left =
            remaining(deadline).ok_or_else(|| timeout_error(&target.authority, "connecting"))?;
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(e) if is_timeout(&e) => Err(timeout_error(&target.authority, "connecting")),
        Some(e) => Err(Error::new(
            ErrorKind::Transport,
            format!("cannot connect to {}: {e}", target.authority),
        )),
        None => Err(Error::new(
            ErrorKind::Transport,
            format!(
                "cannot connect to {}: the name has no address",
                target.authority
            ),
        )),
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Open,
    /// We sent a close frame and wait for the server's.
    CloseSent,
    Closed,
}

/// How long a read may block.
#[derive(Clone, Copy)]
enum Wait {
    Until(Instant),
    /// Only what is already there: used to notice pings and closes between calls.
    No,
}

/// One open WebSocket connection. Not shared between threads by itself: the owner puts it
/// behind a lock.
pub struct WebSocket {
    stream: Stream,
    /// Bytes read but not yet parsed into frames. Zeroed as it is consumed.
    buf: Vec<u8>,
    /// A fragmented message being reassembled: its opcode and the data so far.
    partial: Option<(u8, Zeroizing<Vec<u8>>)>,
    max_message: usize,
    state: State,
    peer: String,
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("peer", &self.peer)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl WebSocket {
    /// True until either side started the close handshake or the connection failed.
    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// Sends one text message (a single masked frame). The frame buffer is zeroed afterwards,
    /// as the message may carry a credential.
    pub fn send_text(&mut self, text: &[u8], deadline: Instant) -> Result<()> {
        self.send_frame(opcode::TEXT, text, deadline)
    }

    /// Receives the next data message, answering pings on the way. A close from the server is
    /// answered and reported as a `transport` error naming its code and reason.
    pub fn recv(&mut self, deadline: Instant) -> Result<Message> {
        match self.next_message(Wait::Until(deadline))? {
            Some(m) => Ok(m),
            // Wait::Until never returns None: it reads until a message or an error.
            None => Err(timeout_error(&self.peer, "waiting for a message")),
        }
    }

    /// Handles whatever has already arrived, without blocking: answers pings, notices a close
    /// or a dropped connection (then returns an error). Returns a data message if a complete
    /// one was waiting. Used before reusing an idle connection.
    pub fn poll(&mut self) -> Result<Option<Message>> {
        self.next_message(Wait::No)
    }

    /// Starts the close handshake (code 1000), waits briefly for the server's close frame,
    /// then shuts the socket down. Errors are ignored: the connection is gone either way.
    pub fn close(&mut self) {
        if self.state == State::Open {
            let deadline = Instant::now() + CLOSE_WAIT;
            if self.send_close(close_code::NORMAL, "", deadline).is_ok() {
                while self.state == State::CloseSent {
                    if self.next_message(Wait::Until(deadline)).is_err() {
                        break;
                    }
                }
            }
        }
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.state = State::Closed;
        self.partial = None;
        let _ = self.stream.tcp().shutdown(Shutdown::Both);
    }

    fn handshake(&mut self, target: &Target, user_agent: &str, deadline: Instant) -> Result<()> {
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut nonce).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("no random numbers for the WebSocket key: {e}"),
            )
        })?;
        let key = base64::encode(nonce);
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: {}\r\n\r\n",
            target.resource,
            target.host_header,
            user_agent.replace(['\r', '\n'], " ")
        );
        self.write_all(request.as_bytes(), deadline)?;
        // Read until the end of the headers; frame bytes after them stay in `buf`.
        let header_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > MAX_HANDSHAKE_BYTES {
                return Err(Error::protocol(format!(
                    "WebSocket handshake with {}: the answer's headers are longer than {MAX_HANDSHAKE_BYTES} bytes",
                    self.peer
                )));
            }
            self.read_more(Wait::Until(deadline))?;
        };
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        let parsed = response.parse(&self.buf[..header_end]);
        if !matches!(parsed, Ok(httparse::Status::Complete(_))) {
            return Err(Error::protocol(format!(
                "WebSocket handshake with {}: the answer is not HTTP",
                self.peer
            )));
        }
        let status = response.code.unwrap_or(0);
        let header = |name: &str| -> Option<String> {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
        };
        if status != 101 {
            let reason = response.reason.unwrap_or("").to_owned();
            let kind = crate::backend::kind_for_status(status);
            return Err(Error::new(
                kind,
                format!(
                    "WebSocket handshake with {}{}: the server answered HTTP {status} {reason} instead of switching protocols",
                    self.peer, target.resource
                ),
            )
            .with_status(status));
        }
        let expected = accept_key(&key);
        let upgrade_ok = header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        let connection_ok = header("connection").is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
        });
        let problem = if !upgrade_ok {
            Some("no 'Upgrade: websocket' header".to_owned())
        } else if !connection_ok {
            Some("no 'Connection: Upgrade' header".to_owned())
        } else if header("sec-websocket-accept").as_deref() != Some(expected.as_str()) {
            Some("a wrong Sec-WebSocket-Accept (not an answer to our key)".to_owned())
        } else if header("sec-websocket-extensions").is_some() {
            // RFC 6455 4.1: an extension we did not ask for fails the connection.
            Some("an extension we did not ask for".to_owned())
        } else if header("sec-websocket-protocol").is_some() {
            Some("a subprotocol we did not ask for".to_owned())
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(Error::protocol(format!(
                "WebSocket handshake with {}: the answer has {p}",
                self.peer
            )));
        }
        consume(&mut self.buf, header_end);
        Ok(())
    }

    /// Reads frames until a complete data message, or (with `Wait::No`) until no more bytes
    /// are waiting.
    fn next_message(&mut self, wait: Wait) -> Result<Option<Message>> {
        if self.state == State::Closed {
            return Err(Error::new(
                ErrorKind::Transport,
                format!("the WebSocket to {} is closed", self.peer),
            ));
        }
        loop {
            while let Some(frame) = self.next_frame()? {
                if let Some(message) = self.handle_frame(frame, wait)? {
                    return Ok(Some(message));
                }
                if self.state == State::Closed {
                    // The close handshake we started has ended.
                    return Err(Error::new(
                        ErrorKind::Transport,
                        format!("the WebSocket to {} is closed", self.peer),
                    ));
                }
            }
            if !self.read_more(wait)? {
                return Ok(None);
            }
        }
    }

    /// Parses one frame out of `buf`, if a complete one is there.
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let already = self.partial.as_ref().map_or(0, |(_, d)| d.len());
        let limit = self.max_message.saturating_sub(already).max(125);
        match decode_frame(&self.buf, limit) {
            Ok(Some((frame, used))) => {
                consume(&mut self.buf, used);
                if frame.masked {
                    // RFC 6455 5.1: a client must close on a masked frame from the server.
                    return Err(
                        self.fail(close_code::PROTOCOL_ERROR, "the server sent a masked frame")
                    );
                }
                Ok(Some(frame))
            }
            Ok(None) => Ok(None),
            Err(FrameError::TooBig(n)) => Err(self.fail(
                close_code::TOO_BIG,
                &format!(
                    "a message of more than {} bytes ({n} in one frame) is too big",
                    self.max_message
                ),
            )),
            Err(FrameError::Invalid(why)) => Err(self.fail(close_code::PROTOCOL_ERROR, why)),
        }
    }

    fn handle_frame(&mut self, frame: Frame, wait: Wait) -> Result<Option<Message>> {
        let deadline = match wait {
            Wait::Until(d) => d,
            // Answering a ping found while polling may block briefly on a full socket.
            Wait::No => Instant::now() + CLOSE_WAIT,
        };
        match frame.opcode {
            opcode::PING => {
                if self.state == State::Open {
                    self.send_frame(opcode::PONG, &frame.payload, deadline)?;
                }
                Ok(None)
            }
            opcode::PONG => Ok(None),
            opcode::CLOSE => {
                let (code, reason) = parse_close(&frame.payload);
                let was_ours = self.state == State::CloseSent;
                if self.state == State::Open {
                    // Echo the code (RFC 6455 5.5.1); 1005 "no code" is never sent.
                    let echo = code.filter(|c| *c != 1005).unwrap_or(close_code::NORMAL);
                    let _ = self.send_close(echo, "", deadline);
                }
                self.shutdown();
                if was_ours {
                    return Ok(None);
                }
                let detail = match (code, reason.is_empty()) {
                    (Some(c), false) => format!(" (code {c}: {reason})"),
                    (Some(c), true) => format!(" (code {c})"),
                    (None, _) => String::new(),
                };
                Err(Error::new(
                    ErrorKind::Transport,
                    format!("the server closed the WebSocket{detail}"),
                ))
            }
            opcode::TEXT | opcode::BINARY => {
                if self.partial.is_some() {
                    return Err(self.fail(
                        close_code::PROTOCOL_ERROR,
                        "a new message started before the fragmented one ended",
                    ));
                }
                if frame.fin {
                    self.finish(frame.opcode, frame.payload).map(Some)
                } else {
                    self.partial = Some((frame.opcode, frame.payload));
                    Ok(None)
                }
            }
            opcode::CONTINUATION => {
                let Some((op, mut data)) = self.partial.take() else {
                    return Err(self.fail(
                        close_code::PROTOCOL_ERROR,
                        "a continuation frame without a message to continue",
                    ));
                };
                if data.len() + frame.payload.len() > self.max_message {
                    return Err(self.fail(
                        close_code::TOO_BIG,
                        &format!(
                            "a message of more than {} bytes is too big",
                            self.max_message
                        ),
                    ));
                }
                extend_zeroizing(&mut data, &frame.payload);
                if frame.fin {
                    self.finish(op, data).map(Some)
                } else {
                    self.partial = Some((op, data));
                    Ok(None)
                }
            }
            // decode_frame refuses every other opcode.
            other => Err(self.fail(
                close_code::PROTOCOL_ERROR,
                &format!("unknown opcode {other:#x}"),
            )),
        }
    }

    fn finish(&mut self, op: u8, data: Zeroizing<Vec<u8>>) -> Result<Message> {
        if op == opcode::BINARY {
            return Ok(Message::Binary(data));
        }
        if std::str::from_utf8(&data).is_err() {
            return Err(self.fail(close_code::INVALID_DATA, "a text message is not UTF-8"));
        }
        Ok(Message::Text(data))
    }

    /// Fails the connection (RFC 6455 7.1.7): tells the server why, best effort, and returns
    /// the protocol error for the caller.
    fn fail(&mut self, code: u16, why: &str) -> Error {
        if self.state == State::Open {
            let _ = self.send_close(code, "", Instant::now() + Duration::from_secs(1));
        }
        self.shutdown();
        Error::protocol(format!("WebSocket with {}: {why}", self.peer))
    }

    fn send_close(&mut self, code: u16, reason: &str, deadline: Instant) -> Result<()> {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(&reason.as_bytes()[..reason.len().min(123)]);
        let r = self.send_frame(opcode::CLOSE, &payload, deadline);
        if self.state == State::Open {
            self.state = State::CloseSent;
        }
        r
    }

    fn send_frame(&mut self, op: u8, payload: &[u8], deadline: Instant) -> Result<()> {
        if self.state == State::Closed || (self.state == State::CloseSent && op != opcode::CLOSE) {
            return Err(Error::new(
                ErrorKind::Transport,
                format!("the WebSocket to {} is closed", self.peer),
            ));
        }
        let mut mask = [0u8; 4];
        getrandom::getrandom(&mut mask).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("no random numbers for a frame mask: {e}"),
            )
        })?;
        let frame = Zeroizing::new(encode_frame(true, op, payload, Some(mask)));
        self.write_all(&frame, deadline)
    }

    fn write_all(&mut self, data: &[u8], deadline: Instant) -> Result<()> {
        let left = remaining(deadline).ok_or_else(|| timeout_error(&self.peer, "sending"))?;
        let _ = self.stream.tcp().set_write_timeout(Some(left));
        let outcome = self
            .stream
            .write_all(data)
            .and_then(|_| self.stream.flush());
        outcome.map_err(|e| {
            let error = if is_timeout(&e) {
                timeout_error(&self.peer, "sending")
            } else {
                Error::new(
                    ErrorKind::Transport,
                    format!("the WebSocket to {} failed while sending: {e}", self.peer),
                )
            };
            self.shutdown();
            error
        })
    }

    /// Reads what the socket has into `buf`. Returns false when `Wait::No` found nothing.
    fn read_more(&mut self, wait: Wait) -> Result<bool> {
        let mut chunk = Zeroizing::new([0u8; 16 * 1024]);
        let result = match wait {
            Wait::Until(deadline) => {
                let left = remaining(deadline)
                    .ok_or_else(|| timeout_error(&self.peer, "waiting for the server"))?;
                set_deadline(self.stream.tcp(), Instant::now() + left, &self.peer)?;
                self.stream.read(&mut chunk[..])
            }
            Wait::No => {
                let tcp = self.stream.tcp();
                tcp.set_nonblocking(true).map_err(|e| self.io_error(&e))?;
                let r = self.stream.read(&mut chunk[..]);
                let _ = self.stream.tcp().set_nonblocking(false);
                r
            }
        };
        match result {
            Ok(0) => {
                let closing = self.state == State::CloseSent;
                self.shutdown();
                Err(Error::new(
                    ErrorKind::Transport,
                    if closing {
                        format!("the WebSocket to {} is closed", self.peer)
                    } else {
                        format!(
                            "the server {} dropped the WebSocket connection without a close frame",
                            self.peer
                        )
                    },
                ))
            }
            Ok(n) => {
                extend_zeroizing(&mut self.buf, &chunk[..n]);
                Ok(true)
            }
            Err(e) if matches!(wait, Wait::No) && e.kind() == io::ErrorKind::WouldBlock => {
                Ok(false)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(true),
            Err(e) if is_timeout(&e) => {
                // The connection's state is unknown now (a reply may still come): the owner
                // must not reuse it.
                self.shutdown();
                Err(timeout_error(&self.peer, "waiting for the server"))
            }
            Err(e) => {
                self.shutdown();
                Err(self.io_error(&e))
            }
        }
    }

    fn io_error(&self, e: &io::Error) -> Error {
        Error::new(
            ErrorKind::Transport,
            format!("the WebSocket to {} failed: {e}", self.peer),
        )
    }
}

impl Drop for WebSocket {
    fn drop(&mut self) {
        // Politely, without waiting: the close frame goes out if the socket takes it at once.
        if self.state == State::Open {
            let _ = self.send_close(
                close_code::NORMAL,
                "",
                Instant::now() + Duration::from_millis(200),
            );
        }
        self.shutdown();
        self.buf.zeroize();
    }
}

/// One decoded frame. The payload is unmasked.
#[derive(PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub opcode: u8,
    pub masked: bool,
    pub payload: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Frame {
    // The payload may be a secret: only its size is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("fin", &self.fin)
            .field("opcode", &self.opcode)
            .field("masked", &self.masked)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// Why bytes are not a valid frame.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The frame announces a payload longer than allowed (the announced length).
    TooBig(u64),
    Invalid(&'static str),
}

/// Encodes one frame. `mask` is required for client frames (RFC 6455 5.3) and absent for
/// server frames (used by the tests).
pub fn encode_frame(fin: bool, op: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 14);
    out.push(if fin { 0x80 } else { 0 } | (op & 0x0F));
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(mask_bit | n as u8),
        n if n <= usize::from(u16::MAX) => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(m) => {
            out.extend_from_slice(&m);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ m[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// Decodes the frame at the start of `buf`: `Ok(None)` when more bytes are needed, else the
/// frame and the number of bytes it used. `max_payload` bounds the announced length before
/// anything is allocated.
pub fn decode_frame(buf: &[u8], max_payload: usize) -> Result<Option<(Frame, usize)>, FrameError> {
    if buf.len() < 2 {
        return Ok(None);
    }
    let (b0, b1) = (buf[0], buf[1]);
    if b0 & 0x70 != 0 {
        // No extension was negotiated, so RSV1-3 must be 0 (RFC 6455 5.2).
        return Err(FrameError::Invalid("a frame has reserved bits set"));
    }
    let fin = b0 & 0x80 != 0;
    let op = b0 & 0x0F;
    let masked = b1 & 0x80 != 0;
    let is_control = op & 0x08 != 0;
    if !matches!(
        op,
        opcode::CONTINUATION
            | opcode::TEXT
            | opcode::BINARY
            | opcode::CLOSE
            | opcode::PING
            | opcode::PONG
    ) {
        return Err(FrameError::Invalid("a frame has an unknown opcode"));
    }
    let (len, mut at) = match b1 & 0x7F {
        126 => {
            if buf.len() < 4 {
                return Ok(None);
            }
            (u64::from(u16::from_be_bytes([buf[2], buf[3]])), 4)
        }
        127 => {
            if buf.len() < 10 {
                return Ok(None);
            }
            let mut b = [0u8; 8];
            b.copy_from_slice(&buf[2..10]);
            let n = u64::from_be_bytes(b);
            if n >> 63 != 0 {
                return Err(FrameError::Invalid("a frame length has its top bit set"));
            }
            (n, 10)
        }
        n => (u64::from(n), 2),
    };
    if is_control && (!fin || len > 125) {
        // RFC 6455 5.5: control frames are not fragmented and carry at most 125 bytes.
        return Err(FrameError::Invalid(
            "a control frame is fragmented or too long",
        ));
    }
    if len > max_payload as u64 {
        return Err(FrameError::TooBig(len));
    }
    let mask = if masked {
        if buf.len() < at + 4 {
            return Ok(None);
        }
        let m = [buf[at], buf[at + 1], buf[at + 2], buf[at + 3]];
        at += 4;
        Some(m)
    } else {
        None
    };
    let len = len as usize;
    if buf.len() < at + len {
        return Ok(None);
    }
    let mut payload = Zeroizing::new(buf[at..at + len].to_vec());
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    Ok(Some((
        Frame {
            fin,
            opcode: op,
            masked,
            payload,
        },
        at + len,
    )))
}

/// The `Sec-WebSocket-Accept` value for a key (RFC 6455 4.2.2).
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(ACCEPT_GUID.as_bytes());
    base64::encode(sha.finalize())
}

/// A close frame's status code and reason, if it has them.
fn parse_close(payload: &[u8]) -> (Option<u16>, String) {
    if payload.len() < 2 {
        return (None, String::new());
    }
    let code = u16::from_be_bytes([payload[0], payload[1]]);
    let reason: String = String::from_utf8_lossy(&payload[2..])
        .chars()
        .filter(|c| !c.is_control())
        .take(123)
        .collect();
    (Some(code), reason)
}

/// Removes the first `n` bytes of `buf`, zeroing the bytes left behind past the new end.
fn consume(buf: &mut Vec<u8>, n: usize) {
    let len = buf.len();
    buf.copy_within(n..len, 0);
    buf[len - n..].zeroize();
    buf.truncate(len - n);
}

/// Appends to `v`; when it must grow, the old allocation is zeroed before it is freed, so no
/// stray copy of a secret is left on the heap.
fn extend_zeroizing(v: &mut Vec<u8>, data: &[u8]) {
    let needed = v.len() + data.len();
    if needed > v.capacity() {
        let mut bigger = Vec::with_capacity(needed.max(v.capacity() * 2).max(256));
        bigger.extend_from_slice(v);
        v.zeroize();
        *v = bigger;
    }
    v.extend_from_slice(data);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn remaining(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    // A zero timeout means "block forever" to the socket API: treat it as expired.
    (left >= Duration::from_millis(1)).then_some(left)
}

fn set_deadline(tcp: &TcpStream, deadline: Instant, peer: &str) -> Result<()> {
    let left = remaining(deadline).ok_or_else(|| timeout_error(peer, "waiting for the server"))?;
    tcp.set_read_timeout(Some(left))
        .and_then(|_| tcp.set_write_timeout(Some(left)))
        .map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("the WebSocket to {peer} failed: {e}"),
            )
        })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn timeout_error(peer: &str, during: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("no answer from {peer} in time ({during})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(mut bytes: &[u8]) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some((f, used)) = decode_frame(bytes, 1 << 20).unwrap() {
            frames.push(f);
            bytes = &bytes[used..];
        }
        assert!(bytes.is_empty(), "trailing bytes");
        frames
    }

    #[test]
    fn accept_key_matches_the_rfc_example() {
        // RFC 6455 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn small_frames_match_the_rfc_examples() {
        // RFC 6455 5.7: unmasked and masked "Hello".
        assert_eq!(
            encode_frame(true, opcode::TEXT, b"Hello", None),
            [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        );
        let masked = encode_frame(true, opcode::TEXT, b"Hello", Some([0x37, 0xfa, 0x21, 0x3d]));
        assert_eq!(
            masked,
            [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        );
        let (f, used) = decode_frame(&masked, 125).unwrap().unwrap();
        assert_eq!(used, masked.len());
        assert!(f.fin && f.masked);
        assert_eq!(f.opcode, opcode::TEXT);
        assert_eq!(&f.payload[..], b"Hello");
        // Unmasked ping "Hello".
        let (ping, _) = decode_frame(&[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], 125)
            .unwrap()
            .unwrap();
        assert_eq!(
            (ping.opcode, &ping.payload[..]),
            (opcode::PING, &b"Hello"[..])
        );
    }

    #[test]
    fn lengths_use_7_16_and_64_bit_forms() {
        for (n, header) in [
            (0usize, 2usize),
            (125, 2),
            (126, 4),
            (65_535, 4),
            (65_536, 10),
            (200_000, 10),
        ] {
            let payload: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let plain = encode_frame(true, opcode::BINARY, &payload, None);
            assert_eq!(plain.len(), header + n, "length {n}");
            let masked = encode_frame(true, opcode::BINARY, &payload, Some([1, 2, 3, 4]));
            assert_eq!(masked.len(), header + 4 + n, "masked length {n}");
            for bytes in [plain, masked] {
                let (f, used) = decode_frame(&bytes, 1 << 20).unwrap().unwrap();
                assert_eq!(used, bytes.len());
                assert_eq!(&f.payload[..], &payload[..], "round trip {n}");
                // Every strict prefix asks for more bytes instead of failing.
                for cut in [1, header - 1, bytes.len() - 1] {
                    assert!(
                        decode_frame(&bytes[..cut], 1 << 20).unwrap().is_none(),
                        "{n} cut {cut}"
                    );
                }
            }
        }
    }

    #[test]
    fn masking_hides_the_payload_and_depends_on_the_key() {
        let secret = b"1-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab";
        let a = encode_frame(true, opcode::TEXT, secret, Some([9, 8, 7, 6]));
        let b = encode_frame(true, opcode::TEXT, secret, Some([1, 2, 3, 4]));
        assert_ne!(a, b);
        assert!(
            find(&a, b"abcdefgh").is_none(),
            "payload is not sent in clear"
        );
        assert_eq!(a[1] & 0x80, 0x80, "mask bit set");
        let (f, _) = decode_frame(&a, 1024).unwrap().unwrap();
        assert_eq!(&f.payload[..], &secret[..]);
    }

    #[test]
    fn invalid_frames_are_refused() {
        assert_eq!(
            decode_frame(&[0xC1, 0x00], 10),
            Err(FrameError::Invalid("a frame has reserved bits set"))
        );
        assert_eq!(
            decode_frame(&[0x83, 0x00], 10),
            Err(FrameError::Invalid("a frame has an unknown opcode"))
        );
        // A fragmented ping, and a ping with 126 bytes.
        assert!(matches!(
            decode_frame(&[0x09, 0x00], 10),
            Err(FrameError::Invalid(_))
        ));
        assert!(matches!(
            decode_frame(&[0x89, 126, 0, 126], 1000),
            Err(FrameError::Invalid(_))
        ));
        assert_eq!(
            decode_frame(&[0x81, 126, 0x01, 0x00], 255),
            Err(FrameError::TooBig(256))
        );
        assert!(matches!(
            decode_frame(&[0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0], usize::MAX),
            Err(FrameError::Invalid(_))
        ));
    }

    #[test]
    fn fragments_and_control_frames_interleave() {
        // "Hel" + ping + "lo": RFC 6455 5.4 allows control frames between fragments.
        let mut wire = encode_frame(false, opcode::TEXT, b"Hel", None);
        wire.extend(encode_frame(true, opcode::PING, b"p", None));
        wire.extend(encode_frame(true, opcode::CONTINUATION, b"lo", None));
        wire.extend(encode_frame(
            true,
            opcode::CLOSE,
            &1000u16.to_be_bytes(),
            None,
        ));
        let frames = decode_all(&wire);
        let ops: Vec<(bool, u8)> = frames.iter().map(|f| (f.fin, f.opcode)).collect();
        assert_eq!(
            ops,
            [
                (false, opcode::TEXT),
                (true, opcode::PING),
                (true, opcode::CONTINUATION),
                (true, opcode::CLOSE)
            ]
        );
        assert_eq!(parse_close(&frames[3].payload), (Some(1000), String::new()));
        let mut close = 1001u16.to_be_bytes().to_vec();
        close.extend_from_slice(b"going away\n");
        assert_eq!(parse_close(&close), (Some(1001), "going away".to_owned()));
        assert_eq!(parse_close(&[]), (None, String::new()));
    }

    #[test]
    fn buffers_are_compacted_and_zeroed() {
        let mut buf = b"abcdef".to_vec();
        consume(&mut buf, 4);
        assert_eq!(buf, b"ef");
        let spare = unsafe { std::slice::from_raw_parts(buf.as_ptr(), 6) };
        assert_eq!(&spare[2..], &[0, 0, 0, 0], "vacated bytes zeroed");
        let mut v = Vec::new();
        extend_zeroizing(&mut v, b"xyz");
        extend_zeroizing(&mut v, &[7u8; 1000]);
        assert_eq!(v.len(), 1003);
        assert_eq!(&v[..3], b"xyz");
    }

    #[test]
    fn urls_are_checked() {
        let t = Target::parse("ws://127.0.0.1:8080/api/current?x=1").unwrap();
        assert!(!t.secure);
        assert_eq!(t.host_header, "127.0.0.1:8080");
        assert_eq!(t.resource, "/api/current?x=1");
        let t = Target::parse("wss://[::1]/api/current").unwrap();
        assert!(t.secure);
        assert_eq!(
            (t.host_header.as_str(), t.tls_name.as_str()),
            ("[::1]", "::1")
        );
        assert_eq!(t.addrs[0].port(), 443);
        for bad in ["http://127.0.0.1/", "ws://user:pw@127.0.0.1/", "not a url"] {
            assert_eq!(
                Target::parse(bad).unwrap_err().kind,
                ErrorKind::InvalidArgument,
                "{bad}"
            );
        }
    }
}
