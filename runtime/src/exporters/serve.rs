//! A stand-alone HTTP server for programs that are not axum apps (the Python client's
//! `start_http_server`). It runs on its own thread with the standard library only, so it
//! needs no async runtime.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::encoding::text;
use crate::{default_registry, Registry};

/// How long a client may take to send its request before it is disconnected.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// A running server. Dropping the handle leaves the server running (like the Python
/// client's daemon thread); call [`shutdown`](Self::shutdown) to stop it.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the server thread to finish.
    pub fn shutdown(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves the [default registry](crate::default_registry) at `/metrics` (and at `/`) on
/// `addr`, from a background thread.
///
/// ```no_run
/// let server = promenade::serve("127.0.0.1:9100").unwrap();
/// println!("metrics at http://{}/metrics", server.local_addr());
/// ```
pub fn serve(addr: impl ToSocketAddrs) -> io::Result<ServerHandle> {
    serve_registry(addr, default_registry())
}

/// Serves `registry` on `addr` from a background thread.
pub fn serve_registry(
    addr: impl ToSocketAddrs,
    registry: &'static Registry,
) -> io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let thread = std::thread::Builder::new()
        .name("promenade-serve".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    // One scrape at a time is what Prometheus does; a client that stalls
                    // is cut off by the read timeout.
                    let _ = handle(stream, registry);
                }
            }
        })?;
    Ok(ServerHandle {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn handle(stream: TcpStream, registry: &Registry) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?).take(MAX_HEAD_BYTES as u64);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer yet.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let mut stream = stream;
    let response = match (method, path) {
        ("GET" | "HEAD", "/metrics" | "/") => {
            let body = text::encode_to_string(registry);
            respond(
                &mut stream,
                "200 OK",
                text::CONTENT_TYPE,
                &body,
                method == "HEAD",
            )
        }
        ("GET" | "HEAD", _) => respond(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            "not found: metrics are at /metrics\n",
            method == "HEAD",
        ),
        _ => respond(
            &mut stream,
            "405 Method Not Allowed\r\nAllow: GET, HEAD",
            "text/plain; charset=utf-8",
            "method not allowed: use GET\n",
            false,
        ),
    };
    let _ = stream.shutdown(Shutdown::Both);
    response
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
    head_only: bool,
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body.as_bytes())?;
    }
    stream.flush()
}
