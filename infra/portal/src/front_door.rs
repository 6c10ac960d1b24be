//! The local API's front door: every request head is read and checked here before hyper sees it, so
//! that a head hyper would refuse with an empty body (a request line of 100,000 characters, control
//! bytes, too many headers) gets the API's problem+json instead, like every other 4xx. What passes is
//! handed to axum as it came, with `Connection: close`: one request per connection, so every request
//! passes this door (keep-alive would let a second head through unchecked).

use axum::serve::Listener;
use shared::Error;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The longest request line answered; longer is a 414 (API Gateway takes about 10 KB of line and
/// headers together).
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The largest head (request line and headers) answered; larger, or more headers, is a 431.
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// A client that has not sent its whole head by then is dropped.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A listener for `axum::serve` whose connections have passed the door.
pub struct FrontDoor {
    ready: mpsc::Receiver<(Checked, SocketAddr)>,
    local: SocketAddr,
}

impl FrontDoor {
    pub fn new(listener: TcpListener) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let Ok((tcp, peer)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let tx = tx.clone();
                // Each head is read on its own task: a slow client never holds up the others.
                tokio::spawn(async move {
                    if let Ok(Some(checked)) = tokio::time::timeout(HEAD_TIMEOUT, check(tcp)).await {
                        let _ = tx.send((checked, peer)).await;
                    }
                });
            }
        });
        Ok(FrontDoor { ready, local })
    }
}

impl Listener for FrontDoor {
    type Io = Checked;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Checked, SocketAddr) {
        match self.ready.recv().await {
            Some(next) => next,
            // The accepting task ended only with the runtime.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// Reads one request head; answers a bad one itself (`None`), or returns the connection with the head
/// to replay.
async fn check(mut tcp: TcpStream) -> Option<Checked> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            return match judge(&buf[..end + 4]) {
                Ok(head) => {
                    let mut replay = head;
                    replay.extend_from_slice(&buf[end + 4..]);
                    Some(Checked { tcp, replay, at: 0 })
                }
                Err(err) => refuse(tcp, &err).await,
            };
        }
        let line_done = find(&buf, b"\r\n").is_some();
        if (!line_done && buf.len() > MAX_REQUEST_LINE) || buf.len() > MAX_HEAD {
            let err = if line_done { Error::HeadersTooLarge } else { Error::RequestLineTooLong };
            return refuse(tcp, &err).await;
        }
        let n = tcp.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The head (its lines, then an empty line) checked, and rewritten to ask for the connection's close.
fn judge(head: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = || Error::invalid("request", "the request line or a header is malformed or holds control characters");
    let text = head.strip_suffix(b"\r\n\r\n").ok_or_else(bad)?;
    let mut lines = text.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let request_line = lines.next().ok_or_else(bad)?;
    if request_line.len() > MAX_REQUEST_LINE {
        return Err(Error::RequestLineTooLong);
    }
    let mut parts = request_line.split(|&b| b == b' ');
    let (method, target, version) = (parts.next(), parts.next(), parts.next());
    let (Some(method), Some(target), Some(version), None) = (method, target, version, parts.next()) else {
        return Err(bad());
    };
    let token =
        |s: &[u8]| !s.is_empty() && s.iter().all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token(method) || target.is_empty() || !target.iter().all(|&b| (0x21..0x7f).contains(&b)) {
        return Err(bad());
    }
    if version != b"HTTP/1.1" && version != b"HTTP/1.0" {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(head.len() + 20);
    out.extend_from_slice(request_line);
    out.extend_from_slice(b"\r\n");
    let mut count = 0;
    for line in lines {
        count += 1;
        if count > MAX_HEADERS {
            return Err(Error::HeadersTooLarge);
        }
        let colon = line.iter().position(|&b| b == b':').ok_or_else(bad)?;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        // Visible characters, spaces, tabs and bytes above ASCII in values (RFC 9110 field-value).
        if !token(name) || value.iter().any(|&b| b < 0x20 && b != b'\t' || b == 0x7f) {
            return Err(bad());
        }
        if name.eq_ignore_ascii_case(b"connection") {
            continue;
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    Ok(out)
}

/// Writes the problem+json answer and closes.
async fn refuse(mut tcp: TcpStream, err: &Error) -> Option<Checked> {
    let response = shared::http::problem::problem(err);
    let status = response.status();
    let mut raw = format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or(""));
    for (name, value) in response.headers() {
        raw.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap_or("")));
    }
    let body: &[u8] = match response.body() {
        lambda_http::Body::Text(t) => t.as_bytes(),
        lambda_http::Body::Binary(b) => b,
        _ => b"",
    };
    raw.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
    let _ = tcp.write_all(raw.as_bytes()).await;
    let _ = tcp.write_all(body).await;
    let _ = tcp.shutdown().await;
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A connection whose head was read: the head (rewritten) is read again first, then the rest.
pub struct Checked {
    tcp: TcpStream,
    replay: Vec<u8>,
    at: usize,
}

impl AsyncRead for Checked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.at < self.replay.len() {
            let n = buf.remaining().min(self.replay.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.replay[at..at + n]);
            self.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Checked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_judged_as_hyper_would_parse_them() {
        let ok = judge(b"GET /v1/health?q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nConnection: keep-alive\r\n\r\n");
        assert_eq!(
            String::from_utf8(ok.unwrap()).unwrap(),
            "GET /v1/health?q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nconnection: close\r\n\r\n"
        );
        assert!(judge("GET / HTTP/1.1\r\nX-Name: José\t\r\n\r\n".as_bytes()).is_ok());
        for bad in [
            &b"GET /v1/\x01health HTTP/1.1\r\n\r\n"[..],
            b"GET /v1/health\x7f HTTP/1.1\r\n\r\n",
            b"GET /v1/health HTTP/1.1\r\nX-A: b\x00c\r\n\r\n",
            b"GET /v1/health HTTP/1.1\r\nX A: b\r\n\r\n",
            b"GET /v1/health HTTP/1.1\r\nno colon\r\n\r\n",
            b"G\x01T /v1/health HTTP/1.1\r\n\r\n",
            b"GET  /v1/health HTTP/1.1\r\n\r\n",
            b"GET /v1/health HTTP/9.9\r\n\r\n",
            b"GET /v1/health\r\n\r\n",
        ] {
            assert!(matches!(judge(bad), Err(Error::Validation(_))), "{:?}", String::from_utf8_lossy(bad));
        }
        let long = format!("GET /v1/cases?q={} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert!(matches!(judge(long.as_bytes()), Err(Error::RequestLineTooLong)));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(MAX_HEADERS + 1));
        assert!(matches!(judge(many.as_bytes()), Err(Error::HeadersTooLarge)));
    }
}
