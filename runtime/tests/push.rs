//! The Pushgateway client against an in-process fake gateway on 127.0.0.1: the exact
//! request bytes (request line, path escaping, headers, body) and every kind of answer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use promenade::push::{BatchJob, PushError, Pushgateway};
use promenade::{Counter, Gauge, Registry};

/// One request as the fake received it.
#[derive(Debug, Clone)]
struct Recorded {
    /// Request line and headers, each line ending in `\r\n`, and the blank line.
    head: String,
    body: Vec<u8>,
}

/// How the fake answers one connection.
#[derive(Clone)]
enum Answer {
    /// Writes these bytes, then closes.
    Raw(&'static str),
    /// Reads the request, then says nothing until the connection is dropped.
    Silent,
    /// Closes without reading or answering.
    Hang,
}

/// A fake gateway: answers connections in order with `answers`, records each request.
/// Stopped (and joined) when dropped.
struct Fake {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    fn start(answers: Vec<Answer>) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (recorded, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            for answer in answers {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                if let Answer::Hang = answer {
                    drop(stream);
                    continue;
                }
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let request = read_request(&stream);
                recorded.lock().unwrap().push(request);
                match answer {
                    Answer::Raw(bytes) => {
                        let mut s = &stream;
                        let _ = s.write_all(bytes.as_bytes());
                    }
                    Answer::Silent => held.push(stream),
                    Answer::Hang => unreachable!(),
                }
            }
            // Keep silent connections open until the test is done with them.
            while !stopped.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
            drop(held);
        });
        Fake {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake an accept that is still waiting.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn read_request(stream: &TcpStream) -> Recorded {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.trim().parse().unwrap();
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    Recorded { head, body }
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const ACCEPTED: &str = "HTTP/1.1 202 Accepted\r\nDate: x\r\nContent-Length: 0\r\n\r\n";

fn jobs_registry() -> (Registry, Arc<Counter>) {
    let registry = Registry::new();
    let jobs = Arc::new(Counter::new());
    registry
        .register_metric("jobs", "Jobs done.", jobs.clone())
        .unwrap();
    jobs.inc_by(3);
    (registry, jobs)
}

const JOBS_TEXT: &str = "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 3\n";

#[test]
fn push_sends_the_exact_put_request() {
    let fake = Fake::start(vec![Answer::Raw(OK)]);
    let (registry, _) = jobs_registry();
    Pushgateway::new(&fake.url())
        .unwrap()
        .basic_auth("user", "pa:ss")
        .header("X-Tenant", "team a")
        .unwrap()
        .job("batch")
        .label("path", "/var/tmp")
        .label("space", "a b+c")
        .instance("")
        .push(&registry)
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].head,
        format!(
            "PUT /metrics/job/batch/instance@base64/=/path@base64/L3Zhci90bXA=/space/a%20b%2Bc HTTP/1.1\r\n\
             Host: {}\r\n\
             User-Agent: promenade/{}\r\n\
             Content-Length: {}\r\n\
             Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
             Authorization: Basic dXNlcjpwYTpzcw==\r\n\
             X-Tenant: team a\r\n\
             Connection: close\r\n\r\n",
            fake.addr,
            env!("CARGO_PKG_VERSION"),
            JOBS_TEXT.len()
        )
    );
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        JOBS_TEXT
    );
}

#[test]
fn push_add_posts_and_delete_sends_an_empty_delete() {
    let fake = Fake::start(vec![Answer::Raw(OK), Answer::Raw(ACCEPTED)]);
    let (registry, _) = jobs_registry();
    let group = Pushgateway::new(&format!("{}/prefix/", fake.url()))
        .unwrap()
        .bearer_token("s3cret")
        .unwrap()
        .job("a/b");
    group.push_add(&registry).unwrap();
    group.delete().unwrap();
    let requests = fake.requests();
    let lines = |r: &Recorded| r.head.lines().map(str::to_owned).collect::<Vec<_>>();
    let post = lines(&requests[0]);
    assert_eq!(post[0], "POST /prefix/metrics/job@base64/YS9i HTTP/1.1");
    assert!(post.contains(&"Authorization: Bearer s3cret".to_owned()));
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        JOBS_TEXT
    );
    let delete = lines(&requests[1]);
    assert_eq!(delete[0], "DELETE /prefix/metrics/job@base64/YS9i HTTP/1.1");
    assert!(delete.contains(&"Content-Length: 0".to_owned()));
    assert!(requests[1].body.is_empty());
}

#[test]
fn a_rejected_push_carries_the_gateway_status_and_message() {
    let message = "pushed metrics are invalid or inconsistent with existing metrics: \
                   collected metric \"jobs_total\" { counter:<value:3 > } is not a GAUGE";
    let answer: &'static str = Box::leak(
        format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\n\r\n{message}\n",
            message.len() + 1
        )
        .into_boxed_str(),
    );
    let fake = Fake::start(vec![Answer::Raw(answer)]);
    let (registry, _) = jobs_registry();
    let err = Pushgateway::new(&fake.url())
        .unwrap()
        .job("j")
        .push(&registry)
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_transient());
    match &err {
        PushError::Rejected {
            method,
            status,
            message: m,
        } => {
            assert_eq!((*method, *status, m.as_str()), ("PUT", 400, message));
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("the Pushgateway answered PUT with 400: {message}")
    );
}

#[test]
fn chunked_and_close_delimited_bodies_are_read() {
    let fake = Fake::start(vec![
        Answer::Raw(
            "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n\
             5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
        ),
        Answer::Raw("HTTP/1.0 503 Service Unavailable\r\n\r\nbusy, try later"),
    ]);
    let group = Pushgateway::new(&fake.url()).unwrap().job("j");
    let err = group.delete().unwrap_err();
    assert!(
        matches!(&err, PushError::Rejected { status: 500, message, .. } if message == "hello, world")
    );
    assert!(err.is_transient());
    let err = group.delete().unwrap_err();
    assert!(
        matches!(&err, PushError::Rejected { status: 503, message, .. } if message == "busy, try later")
    );
}

#[test]
fn a_retry_after_a_transient_failure_pushes_the_same_request() {
    let fake = Fake::start(vec![
        Answer::Raw("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"),
        Answer::Raw(OK),
    ]);
    let (registry, _) = jobs_registry();
    let group = Pushgateway::new(&fake.url()).unwrap().job("j");
    let first = group.push(&registry).unwrap_err();
    assert!(first.is_transient());
    assert_eq!(
        first.to_string(),
        "the Pushgateway answered PUT with 503: (no message)"
    );
    group.push(&registry).unwrap();
    let requests = fake.requests();
    assert_eq!(requests[0].head, requests[1].head);
    assert_eq!(requests[0].body, requests[1].body);
}

#[test]
fn a_silent_gateway_times_out() {
    let fake = Fake::start(vec![Answer::Silent]);
    let started = Instant::now();
    let err = Pushgateway::new(&fake.url())
        .unwrap()
        .timeout(Duration::from_millis(300))
        .job("j")
        .delete()
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_transient());
    assert!(
        err.to_string()
            .starts_with("Pushgateway timed out while reading the response"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_closed_connection_and_garbage_are_errors_not_panics() {
    let fake = Fake::start(vec![Answer::Hang, Answer::Raw("SSH-2.0-OpenSSH\r\n")]);
    let group = Pushgateway::new(&fake.url()).unwrap().job("j");
    let err = group.delete().unwrap_err();
    assert!(matches!(err, PushError::Io { .. }), "{err:?}");
    let err = group.delete().unwrap_err();
    assert!(matches!(err, PushError::MalformedResponse(_)), "{err:?}");
}

#[test]
fn an_unreachable_gateway_fails_while_connecting() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Pushgateway::new(&format!("127.0.0.1:{port}"))
        .unwrap()
        .connect_timeout(Duration::from_secs(2))
        .job("j")
        .delete()
        .unwrap_err();
    assert!(
        matches!(
            err,
            PushError::Io {
                during: "connecting",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient());
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    for url in [
        "https://gw:9091",
        "http://gw:notaport",
        "http://user:pw@gw:1",
        "",
    ] {
        assert!(
            matches!(Pushgateway::new(url), Err(PushError::InvalidUrl { .. })),
            "{url:?}"
        );
    }
    let gw = Pushgateway::new("http://127.0.0.1:1").unwrap();
    for (name, value) in [
        ("X-Bad", "a\r\nInjected: 1"),
        ("Bad Name", "v"),
        ("Content-Length", "3"),
    ] {
        assert!(
            matches!(
                gw.clone().header(name, value),
                Err(PushError::InvalidHeader { .. })
            ),
            "{name}"
        );
    }
    assert!(gw.clone().bearer_token("t\n").is_err());
    let registry = Registry::new();
    for group in [
        gw.job(""),
        gw.job("j").label("bad-name", "v"),
        gw.job("j").label("job", "v"),
        gw.job("j").label("__x", "v"),
    ] {
        let err = group.push(&registry).unwrap_err();
        assert!(
            matches!(err, PushError::InvalidGroupingKey { .. }),
            "{err:?}"
        );
    }
    // Credentials never reach Debug output.
    let debug = format!("{:?}", gw.basic_auth("u", "hunter2"));
    assert!(
        !debug.contains("hunter2") && !debug.contains("dTpodW50ZXIy"),
        "{debug}"
    );
}

#[test]
fn async_push_works_on_tokio_and_starts_only_when_polled() {
    let fake = Fake::start(vec![Answer::Raw(OK), Answer::Raw(ACCEPTED)]);
    let (registry, jobs) = jobs_registry();
    let group = Pushgateway::new(&fake.url()).unwrap().job("async");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Dropped unpolled: nothing is sent.
    drop(group.push_async(&registry));
    // The body is the registry at the time of the call.
    let push = group.push_async(&registry);
    jobs.inc();
    let delete = group.delete_async();
    rt.block_on(async {
        let handle = tokio::spawn(push);
        handle.await.unwrap().unwrap();
        delete.await.unwrap();
    });
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0]
        .head
        .starts_with("PUT /metrics/job/async HTTP/1.1\r\n"));
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        JOBS_TEXT
    );
    assert!(requests[1]
        .head
        .starts_with("DELETE /metrics/job/async HTTP/1.1\r\n"));
    let invalid = rt.block_on(
        group
            .clone()
            .label("bad-name", "x")
            .push_add_async(&registry),
    );
    assert!(matches!(invalid, Err(PushError::InvalidGroupingKey { .. })));
}

#[cfg(feature = "gzip")]
#[test]
fn gzip_bodies_are_marked_and_decompress_to_the_text() {
    use std::io::Read as _;
    let fake = Fake::start(vec![Answer::Raw(OK), Answer::Raw(ACCEPTED)]);
    let (registry, _) = jobs_registry();
    let group = Pushgateway::new(&fake.url()).unwrap().gzip(true).job("z");
    group.push(&registry).unwrap();
    group.delete().unwrap();
    let requests = fake.requests();
    assert!(requests[0].head.contains("\r\nContent-Encoding: gzip\r\n"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&requests[0].body[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, JOBS_TEXT);
    // Nothing to compress on DELETE.
    assert!(!requests[1].head.contains("Content-Encoding"));
}

/// The text with every sample value replaced by `V` (timestamps and durations vary).
fn shape(text: &str) -> String {
    text.lines()
        .map(|l| match (l.starts_with('#'), l.rsplit_once(' ')) {
            (false, Some((series, _))) => format!("{series} V\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn batch_job_pushes_everything_on_success_and_only_the_failure_time_on_failure() {
    let fake = Fake::start(vec![Answer::Raw(OK), Answer::Raw(OK), Answer::Raw(OK)]);
    let (registry, _) = jobs_registry();
    let group = Pushgateway::new(&fake.url()).unwrap().job("batch_job");

    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let run = BatchJob::start(group.clone(), &registry).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    run.succeeded().unwrap();
    drop(run);
    // The helper's gauges are gone from the registry again.
    assert_eq!(
        promenade::encoding::text::encode_to_string(&registry),
        JOBS_TEXT
    );

    let run = BatchJob::start(group, &registry).unwrap();
    run.failed().unwrap();
    // A retry pushes the same failure time.
    run.failed().unwrap();
    drop(run);

    let requests = fake.requests();
    assert!(requests[0]
        .head
        .starts_with("PUT /metrics/job/batch_job HTTP/1.1\r\n"));
    let success = String::from_utf8(requests[0].body.clone()).unwrap();
    assert_eq!(
        shape(&success),
        "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total V\n\
         # HELP job_start_timestamp_seconds When the last pushed run started (Unix seconds).\n\
         # TYPE job_start_timestamp_seconds gauge\njob_start_timestamp_seconds V\n\
         # HELP job_duration_seconds How long the last successful run took.\n\
         # TYPE job_duration_seconds gauge\njob_duration_seconds V\n\
         # HELP job_last_success_timestamp_seconds When the last successful run finished (Unix seconds).\n\
         # TYPE job_last_success_timestamp_seconds gauge\njob_last_success_timestamp_seconds V\n"
    );
    let value = |text: &str, name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap()
            .parse()
            .unwrap()
    };
    let start = value(&success, "job_start_timestamp_seconds");
    let duration = value(&success, "job_duration_seconds");
    let last = value(&success, "job_last_success_timestamp_seconds");
    assert!(start >= before.floor() && start <= last, "{start} {last}");
    assert!((0.02..5.0).contains(&duration), "{duration}");

    assert!(requests[1]
        .head
        .starts_with("POST /metrics/job/batch_job HTTP/1.1\r\n"));
    let failure = String::from_utf8(requests[1].body.clone()).unwrap();
    assert_eq!(
        shape(&failure),
        "# HELP job_last_failure_timestamp_seconds When the last failed run finished (Unix seconds).\n\
         # TYPE job_last_failure_timestamp_seconds gauge\njob_last_failure_timestamp_seconds V\n"
    );
    assert!(value(&failure, "job_last_failure_timestamp_seconds") >= last);
    assert_eq!(requests[2].head, requests[1].head);
    assert_eq!(requests[2].body, requests[1].body);
}

#[test]
fn batch_job_refuses_a_registry_that_already_has_its_names() {
    let registry = Registry::new();
    registry
        .register_metric("job_duration_seconds", "Mine.", Arc::new(Gauge::new()))
        .unwrap();
    let group = Pushgateway::new("http://127.0.0.1:1").unwrap().job("j");
    let err = BatchJob::start(group, &registry).unwrap_err();
    assert!(matches!(err, PushError::Registry(_)), "{err:?}");
    // The gauge registered before the clash was removed again.
    assert_eq!(
        promenade::encoding::text::encode_to_string(&registry),
        "# HELP job_duration_seconds Mine.\n# TYPE job_duration_seconds gauge\njob_duration_seconds 0.0\n"
    );
}

/// Driven by `scripts/e2e-exporters.sh` against a real Pushgateway (ignored otherwise):
/// `PROMENADE_E2E_GATEWAY` is its URL, `PROMENADE_E2E_STEP` says what to push; a refused
/// push writes the error's message to `PROMENADE_E2E_OUT`. The script checks the gateway's
/// state after each step through the gateway's own API.
#[test]
#[ignore = "run by scripts/e2e-exporters.sh against a real Pushgateway"]
fn e2e_pushgateway_step() {
    let url = std::env::var("PROMENADE_E2E_GATEWAY").expect("PROMENADE_E2E_GATEWAY");
    let step = std::env::var("PROMENADE_E2E_STEP").expect("PROMENADE_E2E_STEP");
    let gateway = Pushgateway::new(&url)
        .unwrap()
        .timeout(Duration::from_secs(5));
    // A grouping key with a `/`, an empty value and a space.
    let group = gateway
        .job("e2e")
        .instance("")
        .label("path", "/var/lib/x")
        .label("team", "a b+c");
    let registry = Registry::new();
    let gauge = |name: &'static str, v: f64| {
        let g = Arc::new(Gauge::new());
        registry
            .register_metric(name, "An e2e gauge.", g.clone())
            .unwrap();
        g.set(v);
    };
    match step.as_str() {
        "push" => {
            let items = Arc::new(Counter::new());
            registry
                .register_metric("e2e_items", "Items.", items.clone())
                .unwrap();
            items.inc_by(5);
            gauge("e2e_temp", 21.5);
            group.push(&registry).unwrap();
        }
        "push_add_async" => {
            gauge("e2e_temp", 22.5);
            gauge("e2e_extra", 1.0);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(group.push_add_async(&registry)).unwrap();
        }
        "push_replace" => {
            gauge("e2e_temp", 23.0);
            group.push(&registry).unwrap();
        }
        #[cfg(feature = "gzip")]
        "push_gzip" => {
            let zipped = Arc::new(Counter::new());
            registry
                .register_metric("e2e_zipped", "Zipped.", zipped.clone())
                .unwrap();
            zipped.inc_by(7);
            gateway
                .clone()
                .gzip(true)
                .job("e2e_gzip")
                .push(&registry)
                .unwrap();
        }
        "clash" => {
            // `e2e_zipped_total` is a counter in the gzip group; a gauge of that name
            // elsewhere is inconsistent with it. promenade refuses to register a gauge
            // named `*_total`, so a hand-written collector sends it (the registry does not
            // re-check that rule at scrape time), as another client's push would.
            registry
                .register(RawGauge("e2e_zipped_total", 3.0))
                .unwrap();
            let err = gateway.job("e2e_clash").push(&registry).unwrap_err();
            assert_eq!(err.status(), Some(400), "{err}");
            let PushError::Rejected { message, .. } = &err else {
                panic!("expected Rejected, got {err:?}")
            };
            let out = std::env::var("PROMENADE_E2E_OUT").expect("PROMENADE_E2E_OUT");
            std::fs::write(&out, format!("{message}\n")).unwrap();
            std::fs::write(format!("{out}.display"), format!("{err}\n")).unwrap();
            std::fs::write(
                format!("{out}.body"),
                promenade::encoding::text::encode_to_string(&registry),
            )
            .unwrap();
        }
        "delete" => group.delete().unwrap(),
        other => panic!("unknown step {other}"),
    }
}

/// A collector proxying foreign data, with a sample timestamp.
struct Stamped;

impl promenade::Collector for Stamped {
    fn describe(&self) -> Vec<promenade::registry::Descriptor> {
        vec![promenade::registry::Descriptor::new(
            "stamped",
            "Proxied.",
            promenade::MetricType::Gauge,
            "test",
        )]
    }
    fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
        use promenade::registry::families::{GaugeFamily, Labels};
        let mut g = GaugeFamily::new("stamped", "Proxied.").unwrap();
        g.add_at(Labels::empty(), 2.0, 1_700_000_000.0).unwrap();
        g.collect_into(sink);
    }
}

/// The Pushgateway answers 400 ("pushed metrics must not have timestamps") to any sample
/// timestamp, so pushes leave them out.
#[test]
fn pushed_bodies_carry_no_sample_timestamps() {
    let fake = Fake::start(vec![Answer::Raw(OK)]);
    let registry = Registry::new();
    registry.register(Stamped).unwrap();
    Pushgateway::new(&fake.url())
        .unwrap()
        .job("proxy")
        .push(&registry)
        .unwrap();
    let requests = fake.requests();
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        "# HELP stamped Proxied.\n# TYPE stamped gauge\nstamped 2.0\n"
    );
}

/// `instance_ip_grouping_key()` (Python's): this host's outward IP address as `instance`,
/// accepted by the group and sent in the path. A host with no route to the outside gets
/// an `Err` saying so; the address toward a given peer is always found for loopback.
#[test]
fn the_instance_ip_grouping_key_is_this_hosts_address_and_the_group_takes_it() {
    use promenade::push::{instance_ip_grouping_key, local_ip_toward};
    use std::net::{IpAddr, Ipv4Addr};

    // Toward a loopback peer, the local end is loopback: no network needed.
    assert_eq!(
        local_ip_toward("127.0.0.1:9091").unwrap(),
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    );
    assert_eq!(
        local_ip_toward("no port").unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );

    let fake = Fake::start(vec![Answer::Raw(OK)]);
    let (registry, _) = jobs_registry();
    let instance = match instance_ip_grouping_key() {
        Ok(key) => {
            assert_eq!(key.keys().collect::<Vec<_>>(), ["instance"]);
            let ip: IpAddr = key["instance"].parse().unwrap();
            // An outward interface's address, never the unspecified one.
            assert!(!ip.is_unspecified(), "{ip}");
            let group = Pushgateway::new(&fake.url())
                .unwrap()
                .job("batch")
                .grouping_key(key);
            group.push(&registry).unwrap();
            ip.to_string()
        }
        Err(e) => {
            // No default route on this machine: the error says so, in its kind and words.
            assert!(
                matches!(
                    e.kind(),
                    std::io::ErrorKind::NetworkUnreachable
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::AddrNotAvailable
                ),
                "{e:?}"
            );
            assert!(
                e.to_string().starts_with(
                    "cannot find this host's IP address: no route to the outside (IPv4: "
                ),
                "{e}"
            );
            // The group still takes a key of the same shape.
            let key = std::collections::BTreeMap::from([(
                "instance".to_owned(),
                local_ip_toward("127.0.0.1:9").unwrap().to_string(),
            )]);
            Pushgateway::new(&fake.url())
                .unwrap()
                .job("batch")
                .grouping_key(key)
                .push(&registry)
                .unwrap();
            "127.0.0.1".to_owned()
        }
    };
    let requests = fake.requests();
    assert!(
        requests[0].head.starts_with(&format!(
            "PUT /metrics/job/batch/instance/{} HTTP/1.1\r\n",
            instance.replace(':', "%3A")
        )),
        "{}",
        requests[0].head
    );
}

#[test]
fn grouping_key_adds_every_label_and_replaces_like_label() {
    let gateway = Pushgateway::new("http://127.0.0.1:9091").unwrap();
    let group = gateway
        .job("backup")
        .instance("old")
        .grouping_key([("instance", "db-1"), ("path", "/var/lib")])
        .grouping_key(std::collections::HashMap::from([(
            String::from("zone"),
            String::from("b"),
        )]));
    assert_eq!(
        group.path().unwrap(),
        "/metrics/job/backup/instance/db-1/path@base64/L3Zhci9saWI=/zone/b"
    );
    let err = gateway
        .job("backup")
        .grouping_key([("bad-name", "x")])
        .path()
        .unwrap_err();
    assert!(
        matches!(err, PushError::InvalidGroupingKey { ref label, .. } if label == "bad-name"),
        "{err}"
    );
}

/// A collector that sends one unlabelled gauge under any name, past the naming rules of
/// registration (for the gateway's type-clash step).
struct RawGauge(&'static str, f64);

impl promenade::Collector for RawGauge {
    fn describe(&self) -> Vec<promenade::registry::Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
        sink.family(&promenade::registry::Descriptor::new(
            self.0,
            "An e2e gauge.",
            promenade::MetricType::Gauge,
            "RawGauge",
        ));
        sink.point(
            &promenade::registry::families::Labels::empty(),
            promenade::registry::Point::Gauge(self.1.into()),
        );
    }
}
