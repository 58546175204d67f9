//! The stand-alone server (`promenade::serve`, `Server::builder`) over real sockets, from
//! plain threads (no async runtime anywhere): exact answers, methods, keep-alive and
//! pipelining, limits and timeouts against slow or hostile clients, the connection cap
//! (stalled and idle connections make room; `503` only when all are answering),
//! authentication, graceful shutdown, a handle that is dropped (the server keeps serving),
//! the addresses `serve` takes (a bare port as in Python's `start_http_server(9101)`), and
//! TLS (feature `tls`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use promenade::serve::{Server, ServerHandle};
use promenade::{CallbackGauge, Counter, Registry};

const TEXT_004: &str = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

/// A registry holding `jobs_total 3`, and its exposition.
fn jobs_registry() -> (Arc<Registry>, &'static str) {
    let registry = Registry::new();
    let jobs = Arc::new(Counter::new());
    registry
        .register_metric("jobs", "Jobs done.", jobs.clone())
        .unwrap();
    jobs.inc_by(3);
    (
        Arc::new(registry),
        "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 3\n",
    )
}

/// Stops the server when the test ends, even on a failed assertion.
struct Running(Option<ServerHandle>);

impl Running {
    fn addr(&self) -> SocketAddr {
        self.0.as_ref().unwrap().local_addr()
    }
    fn shutdown(mut self) {
        self.0.take().unwrap().shutdown();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.shutdown();
        }
    }
}

fn spawn(builder: promenade::serve::ServerBuilder) -> Running {
    Running(Some(builder.addr("127.0.0.1:0").spawn().unwrap()))
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Reads one response (head, then `Content-Length` bytes unless `head_request`).
fn read_response(s: &mut impl Read, head_request: bool) -> Response {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).expect("reading the response head");
        assert_eq!(
            n,
            1,
            "connection closed mid-head: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.trim().to_owned())
        })
        .collect();
    let mut r = Response {
        status,
        headers,
        body: String::new(),
    };
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    if !head_request {
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).unwrap();
        r.body = String::from_utf8(body).unwrap();
    }
    r
}

fn send(addr: SocketAddr, request: &str) -> Response {
    let mut s = connect(addr);
    s.write_all(request.as_bytes()).unwrap();
    read_response(&mut s, request.starts_with("HEAD "))
}

fn get(addr: SocketAddr, path: &str) -> Response {
    send(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

/// Whether the server closed the connection (EOF within 10 s, nothing more to read).
fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).is_ok() && rest.is_empty()
}

#[test]
fn answers_get_and_head_and_refuses_everything_else() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(Server::builder().shared_registry(registry));
    let addr = server.addr();

    for path in ["/metrics", "/", "/metrics?name[]=jobs_total"] {
        let r = get(addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body, exposition);
        assert_eq!(r.header("content-type"), Some(TEXT_004));
        assert_eq!(
            r.header("content-length"),
            Some(exposition.len().to_string().as_str())
        );
        assert_eq!(r.header("connection"), Some("close"));
    }

    let r = send(
        addr,
        "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-length"),
        Some(exposition.len().to_string().as_str())
    );

    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"] {
        let mut s = connect(addr);
        write!(
            s,
            "{method} /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nx=1"
        )
        .unwrap();
        let r = read_response(&mut s, false);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
        assert_eq!(r.body, "method not allowed: use GET or HEAD\n");
        assert!(
            closed_by_server(&mut s),
            "{method}: the connection stays open"
        );
    }

    let r = get(addr, "/nope");
    assert_eq!(r.status, 404);
    assert_eq!(r.body, "not found: metrics are at /metrics\n");

    let r = send(addr, "GET /metrics\r\n\r\n");
    assert_eq!(r.status, 400);
    server.shutdown();
}

#[test]
fn negotiates_format_compression_and_names_like_the_axum_route() {
    let (registry, exposition) = jobs_registry();
    registry
        .register_metric("queue", "Queue depth.", Arc::new(promenade::Gauge::new()))
        .unwrap();
    let server = spawn(Server::builder().shared_registry(registry));
    let addr = server.addr();
    let request = |path: &str, headers: &str| {
        let mut s = connect(addr);
        write!(
            s,
            "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        read_response(&mut s, false)
    };

    // Prometheus 2.42's Accept header: OpenMetrics 1.0.
    let prometheus = "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n";
    let r = request("/metrics", prometheus);
    assert_eq!(
        r.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores")
    );
    // `_created` is when the counter was registered: seconds, now-ish.
    let (created, body): (Vec<&str>, Vec<&str>) =
        r.body.lines().partition(|l| l.starts_with("jobs_created "));
    assert_eq!(
        body.join("\n"),
        "# TYPE jobs counter\n# HELP jobs Jobs done.\njobs_total 3\n# TYPE queue gauge\n# HELP queue Queue depth.\nqueue 0.0\n# EOF"
    );
    assert!(r
        .body
        .starts_with("# TYPE jobs counter\n# HELP jobs Jobs done.\njobs_total 3\njobs_created "));
    let created: f64 = created[0]["jobs_created ".len()..].parse().unwrap();
    assert!(created > 1.6e9, "{created}");
    assert_eq!(r.header("vary"), Some("Accept, Accept-Encoding"));

    // text/plain and name[] filters.
    let r = request("/metrics?name[]=jobs_total", "Accept: text/plain\r\n");
    assert_eq!(r.header("content-type"), Some(TEXT_004));
    assert_eq!(r.body, exposition);
    let r = request("/metrics?name%5B%5D=queue", "");
    assert_eq!(
        r.body,
        "# HELP queue Queue depth.\n# TYPE queue gauge\nqueue 0.0\n"
    );

    // gzip when allowed.
    #[cfg(feature = "gzip")]
    {
        let mut s = connect(addr);
        write!(s, "GET /metrics?name[]=jobs_total HTTP/1.1\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        assert!(head.contains("\r\nContent-Encoding: gzip\r\n"), "{head}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&raw[split..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, exposition);
    }
}

#[test]
fn keep_alive_and_pipelined_requests_share_a_connection() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(Server::builder().shared_registry(registry));
    let mut s = connect(server.addr());
    for _ in 0..3 {
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let r = read_response(&mut s, false);
        assert_eq!((r.status, r.body.as_str()), (200, exposition));
        assert_eq!(r.header("connection"), Some("keep-alive"));
    }
    // Two requests in one write, the second one asking to close.
    s.write_all(
        b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(read_response(&mut s, false).body, exposition);
    let r = read_response(&mut s, true);
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert!(closed_by_server(&mut s));

    // HTTP/1.0 closes unless asked otherwise.
    let r = send(server.addr(), "GET /metrics HTTP/1.0\r\n\r\n");
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
}

#[test]
fn a_stalled_client_does_not_block_another_and_is_cut_off() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(
        Server::builder()
            .shared_registry(registry)
            .read_timeout(Duration::from_millis(800)),
    );
    let addr = server.addr();

    // Half a request line, then nothing.
    let mut slow = connect(addr);
    slow.write_all(b"GET /met").unwrap();
    // A client that connects and sends nothing at all.
    let mut silent = connect(addr);
    thread::sleep(Duration::from_millis(100));

    let started = Instant::now();
    let r = get(addr, "/metrics");
    assert_eq!((r.status, r.body.as_str()), (200, exposition));
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "the second client waited {:?}",
        started.elapsed()
    );

    // The stalled request is answered 408 and closed once read_timeout has passed.
    let r = read_response(&mut slow, false);
    assert_eq!(r.status, 408);
    assert!(closed_by_server(&mut slow));
    assert!(started.elapsed() < Duration::from_secs(3));
    // The silent one is closed without an answer.
    assert!(closed_by_server(&mut silent));

    // A client that trickles one byte at a time is cut off too: the head has one
    // deadline, not one per read.
    let mut trickle = connect(addr);
    let started = Instant::now();
    let mut cut_off = false;
    for b in b"GET /metrics HTTP/1.1\r\nHost: a-very-long-host-name-sent-slowly\r\n\r\n" {
        if trickle.write_all(&[*b]).is_err() {
            cut_off = true;
            break;
        }
        thread::sleep(Duration::from_millis(50));
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    if !cut_off {
        let r = read_response(&mut trickle, false);
        assert_eq!(r.status, 408, "a trickled head was answered");
    }
    assert!(started.elapsed() < Duration::from_millis(2500));
}

#[test]
fn oversized_heads_bodies_and_chunked_bodies_are_refused() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(
        Server::builder()
            .shared_registry(registry)
            .max_header_bytes(1024)
            .max_body_bytes(16),
    );
    let addr = server.addr();

    let big = "a".repeat(2000);
    let mut s = connect(addr);
    // The server may close before reading all of it; only the answer matters.
    let _ = write!(s, "GET /metrics HTTP/1.1\r\nX-Big: {big}\r\n\r\n");
    let r = read_response(&mut s, false);
    assert_eq!(r.status, 431);
    assert!(closed_by_server(&mut s));

    let mut s = connect(addr);
    write!(s, "GET /metrics HTTP/1.1\r\nContent-Length: 17\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut s, false).status, 413);

    let mut s = connect(addr);
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    .unwrap();
    let r = read_response(&mut s, false);
    assert_eq!(
        (r.status, r.body.as_str()),
        (400, "chunked request bodies are not accepted\n")
    );

    // A small body is read and ignored, and the connection stays usable.
    let mut s = connect(addr);
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nContent-Length: 16\r\n\r\n0123456789abcdef"
    )
    .unwrap();
    assert_eq!(read_response(&mut s, false).body, exposition);
    write!(s, "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut s, false).body, exposition);
}

/// Whether the server has closed `s` (end-of-file, or a reset when it closed with our
/// bytes unread), waiting up to 5 s.
fn closed_now(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut byte = [0u8; 1];
    match s.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
        ),
    }
}

/// Whether `s` is still open with nothing to read (checked without waiting).
fn open_now(s: &mut TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let open = matches!(s.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    s.set_nonblocking(false).unwrap();
    open
}

/// A keep-alive request on `s`, answered `200` with `exposition`.
fn scrape_keep_alive(s: &mut TcpStream, exposition: &str) {
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let r = read_response(s, false);
    assert_eq!((r.status, r.body.as_str()), (200, exposition));
    assert_eq!(r.header("connection"), Some("keep-alive"));
}

#[test]
fn stalled_heads_beyond_the_cap_make_room_for_a_scrape() {
    // The defaults: 64 connections, read_timeout 10 s, first_request_timeout 5 s.
    let (registry, exposition) = jobs_registry();
    let server = spawn(Server::builder().shared_registry(registry));
    let addr = server.addr();

    // 70 connections that send half a request line and stall, more than the cap.
    let mut stalled: Vec<TcpStream> = (0..70)
        .map(|_| {
            let mut s = connect(addr);
            s.write_all(b"GET /met").unwrap();
            s
        })
        .collect();

    let started = Instant::now();
    let r = get(addr, "/metrics");
    let took = started.elapsed();
    assert_eq!((r.status, r.body.as_str()), (200, exposition));
    assert!(took < Duration::from_secs(1), "the scrape waited {took:?}");

    // Each connection beyond the 64th, and then the scrape, closed the oldest stalled
    // one: the first 7 are gone, the 63 newest are still open.
    for (i, s) in stalled.iter_mut().enumerate() {
        if i < 7 {
            assert!(closed_now(s), "stalled connection {i} is still open");
        } else {
            assert!(open_now(s), "stalled connection {i} was closed");
        }
    }
    server.shutdown();
}

#[test]
fn idle_keep_alive_connections_are_reclaimed_after_stalled_heads() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(
        Server::builder()
            .shared_registry(registry)
            .max_connections(3),
    );
    let addr = server.addr();

    // Two keep-alive connections that were answered and wait for their next request,
    // `a` idle far longer than `b`, and one that stalls in the middle of its head.
    let mut a = connect(addr);
    scrape_keep_alive(&mut a, exposition);
    thread::sleep(Duration::from_millis(300));
    let mut b = connect(addr);
    scrape_keep_alive(&mut b, exposition);
    let mut stalled = connect(addr);
    stalled.write_all(b"GET /met").unwrap();

    // The table is full: the stalled head goes first, although `a` is older.
    let mut c = connect(addr);
    scrape_keep_alive(&mut c, exposition);
    assert!(closed_now(&mut stalled), "the stalled head is still open");
    assert!(
        open_now(&mut a) && open_now(&mut b),
        "an idle connection was closed"
    );

    // Full again, of idle connections only: the one idle the longest goes.
    let mut d = connect(addr);
    scrape_keep_alive(&mut d, exposition);
    assert!(
        closed_now(&mut a),
        "the longest idle connection is still open"
    );
    assert!(
        open_now(&mut b) && open_now(&mut c),
        "a newer idle connection was closed"
    );

    // The survivors still serve.
    scrape_keep_alive(&mut b, exposition);
    scrape_keep_alive(&mut c, exposition);
    scrape_keep_alive(&mut d, exposition);
    server.shutdown();
}

#[test]
fn a_new_connection_gets_503_only_when_every_connection_is_answering() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    // A gauge whose collection waits until the gate opens: scrapes in flight on demand.
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let collecting = Arc::new(AtomicUsize::new(0));
    let registry = Registry::new();
    let (g, c) = (gate.clone(), collecting.clone());
    /// Collected on the scraping thread, so that every scrape waits at the gate (a
    /// blocking collector would be run once, under a deadline, and skipped meanwhile).
    struct Inline<C>(C);
    impl<C: promenade::Collector> promenade::Collector for Inline<C> {
        fn describe(&self) -> Vec<promenade::registry::Descriptor> {
            self.0.describe()
        }
        fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
            self.0.collect(sink)
        }
        fn may_block(&self) -> bool {
            false
        }
    }
    registry
        .register(Inline(
            promenade::registry::Named::new(
                "gated",
                "Waits for the test.",
                Arc::new(CallbackGauge::new(move || {
                    c.fetch_add(1, Ordering::SeqCst);
                    let (open, cv) = &*g;
                    let guard = open.lock().unwrap();
                    // Bounded, so a failing test cannot hang the server's shutdown.
                    let _ = cv
                        .wait_timeout_while(guard, Duration::from_secs(10), |open| !*open)
                        .unwrap();
                    7.0
                })),
            )
            .unwrap(),
        ))
        .unwrap();
    let server = spawn(
        Server::builder()
            .shared_registry(Arc::new(registry))
            .max_connections(2),
    );
    let addr = server.addr();
    let exposition = "# HELP gated Waits for the test.\n# TYPE gated gauge\ngated 7.0\n";

    let scrapes: Vec<_> = (0..2)
        .map(|_| thread::spawn(move || get(addr, "/metrics")))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while collecting.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "the scrapes never started");
        thread::sleep(Duration::from_millis(10));
    }

    // Both connections are answering: nothing to reclaim.
    let r = get(addr, "/metrics");
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(r.body, "too many connections; try again\n");

    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    for scrape in scrapes {
        let r = scrape.join().unwrap();
        assert_eq!((r.status, r.body.as_str()), (200, exposition));
    }
    // The answered connections close and free their slots.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get(addr, "/metrics");
        if r.status == 200 {
            assert_eq!(r.body, exposition);
            break;
        }
        assert_eq!(r.status, 503);
        assert!(Instant::now() < deadline, "slots never freed");
        thread::sleep(Duration::from_millis(20));
    }
    server.shutdown();
}

#[test]
fn the_first_request_head_has_its_own_shorter_deadline() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(
        Server::builder()
            .shared_registry(registry)
            .first_request_timeout(Duration::from_millis(400)),
    );
    let addr = server.addr();
    let started = Instant::now();
    let mut silent = connect(addr);
    let mut slow = connect(addr);
    slow.write_all(b"GET /metrics HTTP/1.1\r\n").unwrap();

    let r = read_response(&mut slow, false);
    assert_eq!(
        (r.status, r.body.as_str()),
        (408, "the request took too long to arrive\n")
    );
    assert!(closed_by_server(&mut slow));
    assert!(closed_by_server(&mut silent));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "closed after {took:?}");

    // Later requests on a keep-alive connection have read_timeout (10 s) again: a head
    // sent in two parts 600 ms apart is answered.
    let mut s = connect(addr);
    scrape_keep_alive(&mut s, exposition);
    s.write_all(b"GET /metrics HTTP/1.1\r\n").unwrap();
    thread::sleep(Duration::from_millis(600));
    s.write_all(b"Connection: close\r\n\r\n").unwrap();
    let r = read_response(&mut s, false);
    assert_eq!((r.status, r.body.as_str()), (200, exposition));
    server.shutdown();
}

#[test]
fn basic_auth_and_bearer_tokens() {
    let (registry, exposition) = jobs_registry();
    let server = spawn(
        Server::builder()
            .shared_registry(registry.clone())
            .basic_auth("prometheus", "s3cret:with colon"),
    );
    let addr = server.addr();
    let r = get(addr, "/metrics");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"metrics\", charset=\"UTF-8\"")
    );
    assert_eq!(r.body, "unauthorized\n");
    let with = |auth: &str| {
        send(
            addr,
            &format!("GET /metrics HTTP/1.1\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"),
        )
    };
    // base64("prometheus:s3cret:with colon")
    let good = "cHJvbWV0aGV1czpzM2NyZXQ6d2l0aCBjb2xvbg==";
    assert_eq!(with(&format!("Basic {good}")).body, exposition);
    assert_eq!(with(&format!("basic {good}")).status, 200);
    assert_eq!(with(&format!("Bearer {good}")).status, 401);
    assert_eq!(with("Basic cHJvbWV0aGV1czp3cm9uZw==").status, 401);
    assert_eq!(with(&format!("Basic {good}x")).status, 401);
    // A 401 leaves a keep-alive connection usable for the retry with credentials.
    let mut s = connect(addr);
    s.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut s, false).status, 401);
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nAuthorization: Basic {good}\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_response(&mut s, false).body, exposition);
    server.shutdown();

    let server = spawn(
        Server::builder()
            .shared_registry(registry)
            .bearer_token("t0ken"),
    );
    let addr = server.addr();
    let r = get(addr, "/metrics");
    assert_eq!(
        (r.status, r.header("www-authenticate")),
        (401, Some("Bearer realm=\"metrics\""))
    );
    let with = |auth: &str| {
        send(
            addr,
            &format!("GET /metrics HTTP/1.1\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"),
        )
    };
    assert_eq!(with("Bearer t0ken").body, exposition);
    assert_eq!(with("Bearer t0ke").status, 401);
    assert_eq!(with("Bearer t0ken0").status, 401);
    assert_eq!(with("Basic t0ken").status, 401);
}

#[test]
fn shutdown_finishes_requests_in_flight_then_stops() {
    // A gauge that takes 600 ms to collect: a scrape in flight during shutdown.
    let registry = Registry::new();
    registry
        .register_metric(
            "slow_value",
            "Takes a while.",
            Arc::new(CallbackGauge::new(|| {
                thread::sleep(Duration::from_millis(600));
                42.0
            })),
        )
        .unwrap();
    let server = Server::builder()
        .addr("127.0.0.1:0")
        .shared_registry(Arc::new(registry))
        .spawn()
        .unwrap();
    let addr = server.local_addr();
    // An idle keep-alive connection must not hold shutdown up for its idle timeout.
    let mut idle = connect(addr);
    idle.write_all(b"GET /nope HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut idle, false).status, 404);

    let scrape = thread::spawn(move || get(addr, "/metrics"));
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    server.shutdown();
    let took = started.elapsed();

    let r = scrape.join().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        "# HELP slow_value Takes a while.\n# TYPE slow_value gauge\nslow_value 42.0\n"
    );
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    assert!(closed_by_server(&mut idle));
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "still accepting after shutdown"
    );
}

#[test]
fn the_builder_reports_a_missing_or_unusable_address() {
    let err = Server::builder().spawn().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("ServerBuilder::addr"), "{err}");
    assert!(Server::builder().addr("not an address").spawn().is_err());
    // The same port twice: the second bind fails with the OS's error.
    let first = spawn(Server::builder());
    let err = Server::builder().addr(first.addr()).spawn().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

/// Dropping the handle detaches the server, like `std::thread::JoinHandle` (and like the
/// Graphite pusher, tests/graphite.rs): it goes on answering scrapes.
#[test]
fn dropping_the_handle_keeps_serving() {
    let (registry, exposition) = jobs_registry();
    let handle = Server::builder()
        .shared_registry(registry)
        .addr("127.0.0.1:0")
        .spawn()
        .unwrap();
    let addr = handle.local_addr();
    drop(handle);
    for _ in 0..2 {
        let r = send(addr, "GET /metrics HTTP/1.0\r\n\r\n");
        assert_eq!(r.status, 200);
        assert_eq!(r.body, exposition);
    }
}

/// `serve(9101)` as Python's `start_http_server(9101)`: a bare port is every IPv4
/// interface; addresses are what `ToSocketAddrs` takes. The only bind on every interface
/// is on a free port, shut down at once.
#[test]
fn serve_takes_a_bare_port_or_an_address() {
    use promenade::serve::ListenAddr;
    use std::net::{IpAddr, Ipv4Addr};
    // An integer literal is a `u16` here: this type-checks (not run: port 9101 may be
    // taken on this machine).
    let _python_form = || promenade::serve::serve(9101);
    let _with_registry = || promenade::serve::serve_registry(9101, promenade::default_registry());
    assert_eq!(
        9101.listen_addrs().unwrap(),
        [SocketAddr::from((Ipv4Addr::UNSPECIFIED, 9101))]
    );
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 9101));
    let owned = String::from("127.0.0.1:9101");
    let slice = [loopback];
    let forms: [&dyn ListenAddr; 9] = [
        &"127.0.0.1:9101",
        &owned,
        &loopback,
        &(IpAddr::V4(Ipv4Addr::LOCALHOST), 9101),
        &(Ipv4Addr::LOCALHOST, 9101),
        &("127.0.0.1", 9101),
        &(String::from("127.0.0.1"), 9101),
        &&slice[..],
        &vec![loopback],
    ];
    for form in forms {
        assert_eq!(form.listen_addrs().unwrap(), [loopback]);
    }
    let err = "no port here".listen_addrs().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    // A bare port really serves (port 0 on the builder: a free port, shut down at once).
    let server = Server::builder().addr(0).spawn().unwrap();
    assert_eq!(server.local_addr().ip(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    assert_ne!(server.local_addr().port(), 0);
    let r = send(
        SocketAddr::from((Ipv4Addr::LOCALHOST, server.local_addr().port())),
        "HEAD /metrics HTTP/1.0\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    server.shutdown();
}

#[cfg(feature = "tls")]
mod tls {
    use super::*;
    use promenade::serve::TlsConfig;

    /// A test CA and a leaf for `localhost` and 127.0.0.1 it signed (P-256, valid until
    /// 2126), made with openssl for these tests only.
    const CA: &str = include_str!("serve_tls/ca.pem");
    const LEAF: &str = include_str!("serve_tls/leaf.pem");
    const LEAF_KEY: &str = include_str!("serve_tls/leaf.key");

    fn client(addr: SocketAddr) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, ServerName};
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(CA.as_bytes()).unwrap())
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        rustls::StreamOwned::new(conn, connect(addr))
    }

    #[test]
    fn serves_https_and_nothing_in_clear() {
        let (registry, exposition) = jobs_registry();
        let tls = TlsConfig::from_pem(LEAF.as_bytes(), LEAF_KEY.as_bytes()).unwrap();
        let server = spawn(
            Server::builder()
                .shared_registry(registry)
                .tls(tls)
                .bearer_token("t0ken"),
        );
        let mut s = client(server.addr());
        s.write_all(
            b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t0ken\r\n\r\n",
        )
        .unwrap();
        let r = read_response(&mut s, false);
        assert_eq!((r.status, r.body.as_str()), (200, exposition));
        // Keep-alive over TLS.
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut s, false).status, 401);

        // Plain HTTP to the TLS port gets no HTTP answer.
        let mut plain = connect(server.addr());
        plain
            .write_all(b"GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        let _ = plain.read_to_end(&mut answer);
        assert!(
            !answer.starts_with(b"HTTP/1.1"),
            "{:?}",
            String::from_utf8_lossy(&answer)
        );
        server.shutdown();
    }

    #[test]
    fn bad_pem_is_an_error() {
        let err = TlsConfig::from_pem(b"not pem", LEAF_KEY.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("certificate"), "{err}");
        let err = TlsConfig::from_pem(LEAF.as_bytes(), b"").unwrap_err();
        assert!(err.to_string().contains("private key"), "{err}");
        // A key that does not belong to the certificate.
        let err = TlsConfig::from_pem(CA.as_bytes(), LEAF_KEY.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("usable pair"), "{err}");
        let err =
            TlsConfig::from_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/cert.pem"), "{err}");
    }
}
