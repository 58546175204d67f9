//! The gateway's URL: `http://host:port[/prefix]`, and the group's path
//! `/metrics/job/<job>{/<label>/<value>}` with the gateway's escaping rules.

use super::PushError;

/// Where the gateway is: host, port and an optional path prefix (a gateway behind a
/// reverse proxy at `http://host/pushgateway`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Endpoint {
    /// Host as written in the URL (a name, an IPv4 address or a bracketed IPv6 address).
    pub(super) host: String,
    pub(super) port: u16,
    /// Empty, or `/prefix` without a trailing `/`.
    pub(super) prefix: String,
}

impl Endpoint {
    /// Parses `http://host[:port][/prefix]`; a URL without a scheme is taken as http (as the
    /// Python client does). The port defaults to 80.
    pub(super) fn parse(url: &str) -> Result<Self, PushError> {
        let invalid = |reason: &str| PushError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
                return Err(invalid(
                    "https is not supported: promenade's Pushgateway client speaks plain \
                     http; put a TLS-terminating proxy on the same host, or use http://",
                ))
            }
            Some((scheme, _)) => {
                return Err(invalid(&format!(
                    "unsupported scheme `{scheme}`; use http://"
                )))
            }
            None => url,
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("a gateway URL has no query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid(
                "credentials in the URL are not used; call `basic_auth(user, password)`",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6
                .find(']')
                .ok_or_else(|| invalid("unclosed `[` in an IPv6 host"))?;
            let host = &authority[..end + 2];
            match &v6[end + 1..] {
                "" => (host, None),
                p => match p.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None => return Err(invalid("expected `:port` after an IPv6 host")),
                },
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(invalid("the URL has no host"));
        }
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| invalid(&format!("`{p}` is not a port number")))?,
        };
        if path.chars().any(|c| c.is_ascii_control() || c == ' ') {
            return Err(invalid("the path contains spaces or control characters"));
        }
        Ok(Endpoint {
            host: host.to_owned(),
            port,
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The `Host` header's value.
    pub(super) fn host_header(&self) -> String {
        if self.port == 80 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The host to resolve (IPv6 without brackets).
    pub(super) fn connect_host(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&self.host)
    }
}

/// `/metrics/job/<job>{/<label>/<value>}`, labels in the order given (the caller sorts
/// them). Checks the job and the label names.
pub(super) fn group_path<'a>(
    job: &str,
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<String, PushError> {
    if job.is_empty() {
        return Err(PushError::InvalidGroupingKey {
            label: "job".to_owned(),
            reason: "the job name cannot be empty".to_owned(),
        });
    }
    let mut path = String::from("/metrics");
    push_pair(&mut path, "job", job);
    for (name, value) in labels {
        crate::validate::label_name(name).map_err(|e| PushError::InvalidGroupingKey {
            label: name.to_owned(),
            reason: e.to_string(),
        })?;
        if name == "job" {
            return Err(PushError::InvalidGroupingKey {
                label: name.to_owned(),
                reason: "`job` is the job name, given to `Pushgateway::job`".to_owned(),
            });
        }
        push_pair(&mut path, name, value);
    }
    Ok(path)
}

/// Appends `/<name>/<value>`: a value that is empty or holds a `/` as
/// `/<name>@base64/<URL-safe base64>` (`=` for the empty value), any other value
/// percent-encoded (a space is `%20`: the gateway does not read `+` as a space).
fn push_pair(path: &mut String, name: &str, value: &str) {
    path.push('/');
    path.push_str(name);
    if value.is_empty() {
        path.push_str("@base64/=");
    } else if value.contains('/') {
        path.push_str("@base64/");
        crate::exporters::base64::url_safe(path, value.as_bytes());
    } else {
        path.push('/');
        percent_encode(path, value);
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
fn percent_encode(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_gateway_rules() {
        assert_eq!(group_path("j", []).unwrap(), "/metrics/job/j");
        assert_eq!(
            group_path(
                "a/b",
                [("instance", ""), ("path", "/var/tmp"), ("x", "a b+c@é")]
            )
            .unwrap(),
            "/metrics/job@base64/YS9i/instance@base64/=/path@base64/L3Zhci90bXA=\
             /x/a%20b%2Bc%40%C3%A9"
        );
        assert!(matches!(
            group_path("", []),
            Err(PushError::InvalidGroupingKey { .. })
        ));
        assert!(group_path("j", [("bad-name", "v")]).is_err());
        assert!(group_path("j", [("__reserved", "v")]).is_err());
        assert!(group_path("j", [("job", "v")]).is_err());
    }

    #[test]
    fn endpoints_parse() {
        let e = Endpoint::parse("http://127.0.0.1:9091/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.prefix.as_str()),
            ("127.0.0.1", 9091, "")
        );
        assert_eq!(e.host_header(), "127.0.0.1:9091");
        let e = Endpoint::parse("gateway.example/pgw/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.prefix.as_str()),
            ("gateway.example", 80, "/pgw")
        );
        assert_eq!(e.host_header(), "gateway.example");
        let e = Endpoint::parse("http://[::1]:9091").unwrap();
        assert_eq!((e.connect_host(), e.port), ("::1", 9091));
        assert_eq!(e.host_header(), "[::1]:9091");
        for bad in [
            "https://x:1",
            "ftp://x",
            "http://:9091",
            "http://x:0",
            "http://x:99999",
            "http://u:p@x:1",
            "http://x:1/?q",
            "http://[::1",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
