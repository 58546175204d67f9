//! Just enough HTTP/1.1 to talk to a Pushgateway: one request per connection
//! (`Connection: close`), a response read by `Content-Length`, chunked, or to end of file.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::path::Endpoint;
use super::PushError;

/// At most this much of a response body is kept (the gateway's messages are one line).
const MAX_BODY: usize = 64 * 1024;
/// The longest status line or header line accepted.
const MAX_LINE: usize = 8 * 1024;

pub(super) struct Request<'a> {
    pub(super) method: &'static str,
    pub(super) path: &'a str,
    pub(super) headers: &'a [(String, String)],
    pub(super) body: &'a [u8],
}

pub(super) struct Response {
    pub(super) status: u16,
    pub(super) body: String,
}

/// Sends one request and reads the response.
pub(super) fn send(
    endpoint: &Endpoint,
    request: &Request<'_>,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<Response, PushError> {
    let io_err = |during: &'static str| move |source| PushError::Io { during, source };
    let stream = connect(endpoint, connect_timeout).map_err(io_err("connecting"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(io_err("connecting"))?;

    let mut head = format!(
        "{} {}{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: promenade/{}\r\nContent-Length: {}\r\n",
        request.method,
        endpoint.prefix,
        request.path,
        endpoint.host_header(),
        env!("CARGO_PKG_VERSION"),
        request.body.len(),
    );
    for (name, value) in request.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");

    let mut writer = &stream;
    let written = writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.write_all(request.body))
        .and_then(|()| writer.flush());
    // A server may answer (say, 400) and close before reading the whole body; its answer
    // says more than the broken pipe does.
    let response = read_response(&stream);
    match (written, response) {
        (_, Ok(r)) => Ok(r),
        (Err(e), Err(_)) => Err(PushError::Io {
            during: "sending the request",
            source: e,
        }),
        (Ok(()), Err(e)) => Err(e),
    }
}

fn connect(endpoint: &Endpoint, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = None;
    for addr in (endpoint.connect_host(), endpoint.port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("`{}` resolved to no address", endpoint.host),
        )
    }))
}

fn read_response(stream: &TcpStream) -> Result<Response, PushError> {
    let malformed = |reason: String| PushError::MalformedResponse(reason);
    let io_err = |source| PushError::Io {
        during: "reading the response",
        source,
    };
    let mut reader = BufReader::new(stream);
    let status_line = read_line(&mut reader).map_err(io_err)?;
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !version.starts_with("HTTP/1.") {
        return Err(malformed(format!(
            "not an HTTP/1.x status line: {status_line:?}"
        )));
    }
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| malformed(format!("bad status code in {status_line:?}")))?;

    let mut content_length = None;
    let mut chunked = false;
    loop {
        let line = read_line(&mut reader).map_err(io_err)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(malformed(format!("bad header line {line:?}")));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = Some(
                value
                    .parse::<u64>()
                    .map_err(|_| malformed(format!("bad Content-Length {value:?}")))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }

    let mut body = Vec::new();
    if status == 204 || status == 304 || (100..200).contains(&status) {
        // No body by definition.
    } else if chunked {
        loop {
            let size_line = read_line(&mut reader).map_err(io_err)?;
            let size = size_line.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size, 16)
                .map_err(|_| malformed(format!("bad chunk size {size_line:?}")))?;
            if size == 0 {
                break;
            }
            read_capped(&mut reader, size, &mut body).map_err(io_err)?;
            read_line(&mut reader).map_err(io_err)?; // the CRLF after the chunk
        }
    } else if let Some(len) = content_length {
        read_capped(&mut reader, len, &mut body).map_err(io_err)?;
    } else {
        read_capped(&mut reader, u64::MAX, &mut body).map_err(io_err)?;
    }
    Ok(Response {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One line without its line ending; an error at end of file or past [`MAX_LINE`].
fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = Vec::new();
    let n = reader.take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the connection closed before the response was complete",
        ));
    }
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a response line is too long or unterminated",
        ));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Reads `len` bytes (or to end of file when `len` is `u64::MAX`), keeping at most
/// [`MAX_BODY`] of them.
fn read_capped(reader: &mut impl Read, len: u64, body: &mut Vec<u8>) -> io::Result<()> {
    let mut limited = reader.take(len);
    let mut buf = [0u8; 4096];
    let mut read = 0u64;
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            break;
        }
        read += n as u64;
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(&buf[..n.min(room)]);
    }
    if len != u64::MAX && read < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the connection closed before the response body was complete",
        ));
    }
    Ok(())
}
