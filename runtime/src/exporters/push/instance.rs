//! This host's IP address as a grouping key: the Python client's `instance_ip_grouping_key`.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};

/// Addresses reserved for documentation, routed nowhere on the Internet (TEST-NET-2, RFC
/// 5737; the IPv6 documentation prefix, RFC 3849): the kernel routes them by the default
/// route (unless a local network uses the range), so the local end of a socket
/// "connected" to one is the address of the interface that reaches the outside.
const OUTSIDE_V4: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)), 9);
const OUTSIDE_V6: SocketAddr = SocketAddr::new(
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
    9,
);

/// `{"instance": "<this host's IP address>"}`, the grouping key of the Python client's
/// `instance_ip_grouping_key()`, for [`Group::grouping_key`](super::Group::grouping_key).
///
/// The address is the one of the interface that routes to the outside: the local end of
/// a UDP socket connected to an address reserved for documentation, which only the
/// default route leads to (IPv4 first, then IPv6). Connecting
/// a UDP socket only asks the kernel for a route; no packet is sent. On a host without a
/// route to the outside (no default route) this is an `Err` (usually
/// [`NetworkUnreachable`](io::ErrorKind::NetworkUnreachable)); to name the address this
/// host uses toward one particular machine, the Pushgateway say, use
/// [`local_ip_toward`].
///
/// The Python client does this on macOS; on Linux it connects toward `localhost` and so
/// always answers `127.0.0.1`. Here the answer is what its documentation promises, "the
/// IP address of this host", on every system.
///
/// ```no_run
/// use promenade::push::{instance_ip_grouping_key, Pushgateway};
///
/// let registry = promenade::Registry::new();
/// // PUT /metrics/job/batch/instance/10.1.2.3
/// Pushgateway::new("http://pushgateway:9091")?
///     .job("batch")
///     .grouping_key(instance_ip_grouping_key()?)
///     .push(&registry)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn instance_ip_grouping_key() -> io::Result<BTreeMap<String, String>> {
    let ip = match local_ip_toward(OUTSIDE_V4) {
        Ok(ip) => ip,
        Err(v4) => local_ip_toward(OUTSIDE_V6).map_err(|v6| {
            io::Error::new(
                v4.kind(),
                format!(
                    "cannot find this host's IP address: no route to the outside (IPv4: {v4}; IPv6: {v6})"
                ),
            )
        })?,
    };
    Ok(BTreeMap::from([("instance".to_owned(), ip.to_string())]))
}

/// The local IP address this host would use to send to `peer`: the local end of a UDP
/// socket connected to it (no packet is sent; a name is resolved first, and the first
/// address that has a route is used).
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// let ip = promenade::push::local_ip_toward("127.0.0.1:9091")?;
/// assert_eq!(ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn local_ip_toward(peer: impl ToSocketAddrs) -> io::Result<IpAddr> {
    let mut last = None;
    for peer in peer.to_socket_addrs()? {
        let local: SocketAddr = match peer {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let attempt = UdpSocket::bind(local)
            .and_then(|socket| socket.connect(peer).map(|()| socket))
            .and_then(|socket| socket.local_addr());
        match attempt {
            Ok(addr) => return Ok(addr.ip()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to nothing",
        )
    }))
}
