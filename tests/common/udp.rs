//! A SIP client over UDP: one OPTIONS request, one response.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use super::Response;

/// Sends an OPTIONS request for `user` with extra headers over UDP and returns the response.
pub fn request(addr: SocketAddr, user: &str, extra: &[(&str, &str)]) -> Response {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let local = sock.local_addr().unwrap();
    let port = local.port();
    let mut msg = format!(
        "OPTIONS sip:{user}@{addr} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bKu{port}\r\n\
         From: <sip:test@{local}>;tag=u{port}\r\nTo: <sip:{user}@{addr}>\r\nCall-ID: u{port}@test\r\n\
         CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
    );
    for (k, v) in extra {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str("Content-Length: 0\r\n\r\n");
    sock.send_to(msg.as_bytes(), addr).unwrap();
    let mut buf = vec![0u8; 65536];
    let n = sock.recv(&mut buf).expect("UDP response");
    Response::parse(&String::from_utf8_lossy(&buf[..n]))
}
