//! The client's address for the access log and the login rate limit: the peer's, unless the
//! peer is one of `server.trusted_proxies` (the load balancers); then the right-most address in
//! `X-Forwarded-For` that is not a trusted proxy, since each proxy appends the address it saw and
//! everything left of the last untrusted one may be forged by the client.

use actix_web::http::header::HeaderMap;
use std::net::{IpAddr, SocketAddr};

pub fn client_address(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        // A hop that is not an address: the chain cannot be read, so it is not believed.
        .unwrap_or_default();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|hop| !trusted.contains(hop))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in forwarded {
            map.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let lb: IpAddr = "10.0.0.2".parse().unwrap();
        let peer = |ip: IpAddr| Some(SocketAddr::new(ip, 4000));
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let forged = "198.51.100.1, 203.0.113.7";
        // Not behind a trusted proxy: the header is the client's own words.
        assert_eq!(
            client_address(peer(client), &headers(&["6.6.6.6"]), &[lb]),
            Some(client)
        );
        // Behind one: the right-most untrusted hop, whatever the client put before it.
        assert_eq!(
            client_address(peer(lb), &headers(&[forged]), &[lb]),
            Some(client)
        );
        assert_eq!(
            client_address(
                peer(lb),
                &headers(&["198.51.100.1", "203.0.113.7, 10.0.0.2"]),
                &[lb]
            ),
            Some(client)
        );
        // No header, or one that is not addresses: the proxy itself.
        assert_eq!(client_address(peer(lb), &headers(&[]), &[lb]), Some(lb));
        assert_eq!(
            client_address(peer(lb), &headers(&["unknown"]), &[lb]),
            Some(lb)
        );
        assert_eq!(client_address(None, &headers(&[]), &[lb]), None);
    }
}
