//! The floor: the least work any HTTP/1.1 client can do for one request on loopback.
//!
//! One kept-alive `TcpStream` (Nagle off), the request bytes built once and written with one
//! `write`, the answer read into a reused buffer and delimited by `Content-Length` (chunked
//! bodies are decoded too, though the sandbox always sends a length). No TLS, no JSON parsing,
//! no allocation per call once the buffer has grown. What remains is the kernel's loopback
//! path and the server's own time: no client can answer faster on this machine.
//!
//! Why not wrk or curl: wrk reports throughput and a coarse latency histogram for many
//! connections, not a closed-loop per-call median/p99 for one client; curl's per-process start
//! (or libcurl's easy-handle bookkeeping) adds work the floor must not have. The same client
//! also drives the capacity test with several connections and HTTP pipelining.

use std::io::{self, Read, Write};
use std::net::TcpStream;

pub struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Unread data is `buf[pos..end]`.
    pos: usize,
    end: usize,
    chunked_body: Vec<u8>,
    pub host: String,
}

pub struct Answer<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

/// `http://127.0.0.1:1234` -> `127.0.0.1:1234`
pub fn host_port(base_url: &str) -> String {
    base_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

impl Raw {
    pub fn connect(base_url: &str) -> io::Result<Raw> {
        let host = host_port(base_url);
        let stream = TcpStream::connect(&host)?;
        stream.set_nodelay(true)?;
        Ok(Raw {
            stream,
            buf: vec![0; 64 * 1024],
            pos: 0,
            end: 0,
            chunked_body: Vec::new(),
            host,
        })
    }

    /// The bytes of one request, built once and reused for every call.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (k, v) in headers {
            r.push_str(k);
            r.push_str(": ");
            r.push_str(v);
            r.push_str("\r\n");
        }
        if let Some(b) = body {
            r.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        r.push_str("\r\n");
        let mut bytes = r.into_bytes();
        if let Some(b) = body {
            bytes.extend_from_slice(b);
        }
        bytes
    }

    pub fn send(&mut self, request: &[u8]) -> io::Result<()> {
        self.stream.write_all(request)
    }

    /// One request, one answer.
    pub fn call(&mut self, request: &[u8]) -> io::Result<Answer<'_>> {
        self.send(request)?;
        self.recv()
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.pos > 0 {
                self.buf.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
            } else {
                let n = self.buf.len() * 2;
                self.buf.resize(n, 0);
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "server closed the connection",
            ));
        }
        self.end += n;
        Ok(())
    }

    /// Makes sure `buf[pos..pos+n]` holds data, growing the buffer when needed.
    fn need(&mut self, n: usize) -> io::Result<()> {
        if self.buf.len() < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
            // Exactly what the answer needs (a body is read once into one buffer).
            self.buf.resize(n, 0);
        }
        while self.end - self.pos < n {
            if self.pos + n > self.buf.len() {
                self.buf.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
            }
            self.fill()?;
        }
        Ok(())
    }

    /// Reads one complete answer (pipelined answers stay buffered for the next call).
    pub fn recv(&mut self) -> io::Result<Answer<'_>> {
        let (status, head_len, length, chunked) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut resp = httparse::Response::new(&mut headers);
            match resp.parse(&self.buf[self.pos..self.end]) {
                Ok(httparse::Status::Complete(n)) => {
                    let mut length = None;
                    let mut chunked = false;
                    for h in resp.headers.iter() {
                        if h.name.eq_ignore_ascii_case("content-length") {
                            length = std::str::from_utf8(h.value)
                                .ok()
                                .and_then(|v| v.trim().parse::<usize>().ok());
                        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                            chunked = h
                                .value
                                .windows(7)
                                .any(|w| w.eq_ignore_ascii_case(b"chunked"));
                        }
                    }
                    break (resp.code.unwrap_or(0), n, length, chunked);
                }
                Ok(httparse::Status::Partial) => self.fill()?,
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            }
        };
        self.pos += head_len;
        if chunked {
            self.chunked_body.clear();
            loop {
                let line_end = loop {
                    if let Some(i) = self.buf[self.pos..self.end]
                        .windows(2)
                        .position(|w| w == b"\r\n")
                    {
                        break self.pos + i;
                    }
                    self.need(self.end - self.pos + 1)?;
                };
                let size_text = std::str::from_utf8(&self.buf[self.pos..line_end]).unwrap_or("");
                let size =
                    usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                        .map_err(|_| {
                            io::Error::new(io::ErrorKind::InvalidData, "bad chunk size")
                        })?;
                self.pos = line_end + 2;
                self.need(size + 2)?;
                self.chunked_body
                    .extend_from_slice(&self.buf[self.pos..self.pos + size]);
                self.pos += size + 2;
                if size == 0 {
                    break;
                }
            }
            return Ok(Answer {
                status,
                body: &self.chunked_body,
            });
        }
        let length = length.unwrap_or(0);
        self.need(length)?;
        let start = self.pos;
        self.pos += length;
        Ok(Answer {
            status,
            body: &self.buf[start..start + length],
        })
    }
}
