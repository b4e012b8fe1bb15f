//! TCP profiles on WebSocket connections (the websocket and xhttp modules): a connection
//! that starts with an HTTP upgrade gets the `ws` profile once its first WebSocket message
//! arrives, not the `tcp` one its HTTP request would have chosen; a plain SIP connection from
//! the same address gets the `tcp` profile; `tcpops.info` and `tcpops.profiles` say so.

use kit as common;

use common::Kamailio;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const MODULES: &str = r#"
loadmodule "{MODDIR}/tcpops.so"
modparam("tcpops", "profile", "name=ws; match=127.0.0.1/32/ws; keepalive=41,4,11")
modparam("tcpops", "profile", "name=tcp; match=127.0.0.1/32/tcp; keepalive=51,5,15")
"#;

const ROUTES: &str = r#"
request_route {
    sl_send_reply("200", "OK");
    exit;
}
event_route[xhttp:request] {
    if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
        if (ws_handle_handshake()) {
            exit;
        }
    }
    xhttp_reply("404", "Not Found", "", "");
}
"#;

/// (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPCNT, TCP_KEEPINTVL) of Kamailio's side of the
/// connection from `client`.
fn keepalive(k: &Kamailio, client: &TcpStream) -> (i32, i32, i32, i32) {
    let v = common::kamailio_sockopts(
        k.port,
        client.local_addr().unwrap().port(),
        &[
            (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
            (libc::IPPROTO_TCP, libc::TCP_KEEPIDLE),
            (libc::IPPROTO_TCP, libc::TCP_KEEPCNT),
            (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL),
        ],
    );
    (v[0], v[1], v[2], v[3])
}

fn sysctl(name: &str) -> i32 {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn options(transport: &str, local: std::net::SocketAddr, call: &str) -> String {
    format!(
        "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n\
         Via: SIP/2.0/{transport} {local};branch=z9hG4bK{call};rport\r\n\
         From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\n\
         Call-ID: {call}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
}

/// Reads until `end` has been seen; what was read.
fn read_until(s: &mut TcpStream, end: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut b = [0u8; 4096];
    while !got.windows(end.len()).any(|w| w == end) {
        let n = s.read(&mut b).expect("read");
        assert!(n > 0, "closed after {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&b[..n]);
    }
    got
}

/// Sends `text` as one masked WebSocket text frame (as a client must).
fn send_frame(s: &mut TcpStream, text: &[u8]) {
    let mask = [0x12u8, 0x34, 0x56, 0x78];
    let mut f = vec![0x81u8];
    match text.len() {
        n if n < 126 => f.push(0x80 | n as u8),
        n => {
            f.push(0x80 | 126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    f.extend_from_slice(&mask);
    f.extend(text.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    s.write_all(&f).unwrap();
}

/// Reads one unmasked frame from the server: its payload.
fn read_frame(s: &mut TcpStream) -> Vec<u8> {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).expect("frame header");
    let len = match h[1] & 0x7f {
        126 => {
            let mut l = [0u8; 2];
            s.read_exact(&mut l).unwrap();
            usize::from(u16::from_be_bytes(l))
        }
        127 => panic!("a reply frame of over 64 KB"),
        n => usize::from(n),
    };
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).unwrap();
    p
}

fn field(text: &str, name: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().split_once(':'))
        .find(|(a, _)| a.trim() == name)
        .map(|(_, b)| b.trim().to_string())
}

/// (conid, proto) of the connection from `client`, from `tcpops.list`.
fn listed(k: &Kamailio, client: &TcpStream) -> (i64, String) {
    let remote = client.local_addr().unwrap().to_string();
    let list = k.rpc(&["tcpops.list"]).expect("tcpops.list");
    let (mut id, mut proto) = (None, None);
    for l in list.lines() {
        match l.trim().split_once(':').map(|(a, b)| (a.trim(), b.trim())) {
            Some(("conid", v)) => id = v.parse().ok(),
            Some(("proto", v)) => proto = Some(v.to_string()),
            Some(("remote", v)) if v == remote => {
                return (id.expect("conid first"), proto.expect("proto first"))
            }
            _ => {}
        }
    }
    panic!("no connection from {remote} in {list}")
}

#[test]
fn websocket_connections_get_the_ws_profile_after_the_upgrade() {
    let modules = format!(
        "{}{MODULES}",
        common::cfg::load(&["sl", "pv", "xhttp", "websocket"])
    );
    let k = Kamailio::start_cfg(
        "tcpops-ws-profile",
        "tcp_accept_no_cl=yes",
        &modules,
        ROUTES,
    );
    let mut ws = TcpStream::connect(k.addr()).unwrap();
    ws.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    ws.write_all(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
          Sec-WebSocket-Protocol: sip\r\n\r\n",
    )
    .unwrap();
    let head = String::from_utf8_lossy(&read_until(&mut ws, b"\r\n\r\n")).to_string();
    assert!(head.starts_with("HTTP/1.1 101"), "handshake: {head}");
    // the upgrade request alone: the tcp profile would choose otherwise, so nothing yet (the
    // kernel's timers; SO_KEEPALIVE is the core's tcp_keepalive)
    let (_, idle, cnt, intvl) = keepalive(&k, &ws);
    assert_eq!(
        (idle, cnt, intvl),
        (
            sysctl("tcp_keepalive_time"),
            sysctl("tcp_keepalive_probes"),
            sysctl("tcp_keepalive_intvl")
        ),
        "keepalive set before the first WebSocket message"
    );

    let local = ws.local_addr().unwrap();
    send_frame(&mut ws, options("WS", local, "ws1").as_bytes());
    let reply = String::from_utf8_lossy(&read_frame(&mut ws)).to_string();
    assert!(
        reply.starts_with("SIP/2.0 200"),
        "reply over WebSocket: {reply}"
    );
    assert!(
        common::wait_until(Duration::from_secs(3), || keepalive(&k, &ws)
            == (1, 41, 4, 11)),
        "the ws profile's keepalive: {:?}",
        keepalive(&k, &ws)
    );

    // plain SIP over TCP from the same address: the tcp profile
    let mut tcp = TcpStream::connect(k.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let local = tcp.local_addr().unwrap();
    tcp.write_all(options("TCP", local, "tcp1").as_bytes())
        .unwrap();
    let reply = String::from_utf8_lossy(&read_until(&mut tcp, b"\r\n\r\n")).to_string();
    assert!(reply.starts_with("SIP/2.0 200"), "reply over TCP: {reply}");
    assert!(
        common::wait_until(Duration::from_secs(3), || keepalive(&k, &tcp)
            == (1, 51, 5, 15)),
        "the tcp profile's keepalive: {:?}",
        keepalive(&k, &tcp)
    );
    // the WebSocket connection kept its own
    assert_eq!(keepalive(&k, &ws), (1, 41, 4, 11));

    let (ws_id, ws_proto) = listed(&k, &ws);
    let (tcp_id, tcp_proto) = listed(&k, &tcp);
    assert_eq!((ws_proto.as_str(), tcp_proto.as_str()), ("WS", "TCP"));
    let info = |id: i64| {
        k.rpc(&["tcpops.info", &id.to_string()])
            .expect("tcpops.info")
    };
    assert_eq!(field(&info(ws_id), "profile").as_deref(), Some("ws"));
    assert_eq!(field(&info(tcp_id), "profile").as_deref(), Some("tcp"));
    let profiles = k.rpc(&["tcpops.profiles"]).expect("tcpops.profiles");
    let count = |name: &str| {
        let at = profiles
            .find(&format!("name: {name}"))
            .unwrap_or_else(|| panic!("no {name} in {profiles}"));
        field(&profiles[at..], "connections")
    };
    assert_eq!(count("ws").as_deref(), Some("1"), "{profiles}");
    assert_eq!(count("tcp").as_deref(), Some("1"), "{profiles}");
}
