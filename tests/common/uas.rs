//! A tiny SIP UAS for tests: listens on 127.0.0.1 over UDP and TCP, records every request it
//! gets and answers it with a configurable status (or not at all).
//!
//! The response copies the Via headers (all, in order), From, To (with `;tag=uas1` added if it
//! has no tag), Call-ID and CSeq of the request and ends with `Content-Length: 0`. Compact header
//! names and any case are understood. CRLF keep-alive pings are ignored, and so is anything that
//! is not a well-formed request (no request line, or a missing Via/From/To/Call-ID/CSeq) and any
//! SIP response. A request is recorded after its response (if any) was sent, so once
//! `wait_count` returns true the peer has been answered.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the UAS does with each OPTIONS request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Reply with this status code.
    Code(u16),
    /// Do not reply.
    Silent,
    /// Reply with this status code after this many milliseconds.
    Slow(u16, u64),
    /// Reply with this status code; over UDP from another socket (another source port).
    OtherPort(u16),
    /// Reply with this status code to every copy of a request but its first (a path that
    /// loses the first copy of each request): copies share Call-ID and CSeq.
    DropFirst(u16),
}

impl Answer {
    fn code(self) -> Option<u16> {
        match self {
            Answer::Code(c) | Answer::Slow(c, _) | Answer::OtherPort(c) | Answer::DropFirst(c) => {
                Some(c)
            }
            Answer::Silent => None,
        }
    }

    fn delay(self) -> Duration {
        match self {
            Answer::Slow(_, ms) => Duration::from_millis(ms),
            _ => Duration::ZERO,
        }
    }
}

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub method: String,
    pub ruri: String,
    pub from: String,
    pub call_id: String,
    pub cseq: String,
    /// The `branch` parameter of the top Via.
    pub branch: String,
    /// "udp" or "tcp".
    pub transport: &'static str,
    /// The sender's source port.
    pub src_port: u16,
}

/// How long blocking socket calls wait before looking at the stop flag.
const TICK: Duration = Duration::from_millis(100);
/// Largest header block accepted on TCP before the connection is dropped.
const MAX_HEAD: usize = 64 * 1024;
/// Largest body accepted on TCP before the connection is dropped.
const MAX_BODY: usize = 1024 * 1024;

struct Shared {
    stop: AtomicBool,
    /// Count requests instead of recording them (large runs).
    count_only: AtomicBool,
    counted: std::sync::atomic::AtomicUsize,
    answer: Mutex<Answer>,
    /// (Call-ID, CSeq) of the requests seen, for [`Answer::DropFirst`].
    seen: Mutex<std::collections::HashSet<(String, String)>>,
    log: Mutex<Vec<Received>>,
    grew: Condvar,
    conns: Mutex<Vec<JoinHandle<()>>>,
}

/// Locks ignoring poison: a panicking test thread must not make the UAS panic too.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct Uas {
    port: u16,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Uas {
    /// Starts listening on 127.0.0.1:`port` over UDP and TCP (both), answering `answer`.
    /// With `port` 0 a port free for both is picked (see `port()`).
    pub fn start(port: u16, answer: Answer) -> Uas {
        let (tcp, udp) = bind(port);
        let port = tcp.local_addr().expect("uas: local addr").port();
        udp.set_read_timeout(Some(TICK))
            .expect("uas: udp read timeout");
        // pingers send in bursts (a batch at a time): room for thousands of requests (the
        // kernel caps this at net.core.rmem_max)
        set_rcvbuf(&udp, 8 << 20);
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            count_only: AtomicBool::new(false),
            counted: std::sync::atomic::AtomicUsize::new(0),
            answer: Mutex::new(answer),
            seen: Mutex::new(std::collections::HashSet::new()),
            log: Mutex::new(Vec::new()),
            grew: Condvar::new(),
            conns: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        let udp_thread = std::thread::Builder::new()
            .name(format!("uas-udp-{port}"))
            .spawn(move || udp_loop(udp, s))
            .expect("uas: spawn udp thread");
        let s = shared.clone();
        let tcp_thread = std::thread::Builder::new()
            .name(format!("uas-tcp-{port}"))
            .spawn(move || accept_loop(tcp, s))
            .expect("uas: spawn tcp thread");
        Uas {
            port,
            shared,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Changes the answer for requests received from now on.
    pub fn set(&self, answer: Answer) {
        *lock(&self.shared.answer) = answer;
    }

    /// Everything received so far (clone).
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared.log).clone()
    }

    /// Number of requests received so far.
    pub fn count(&self) -> usize {
        lock(&self.shared.log).len() + self.shared.counted.load(Ordering::SeqCst)
    }

    /// From now on only counts requests (`count`), without recording them.
    pub fn count_only(&self) {
        self.shared.count_only.store(true, Ordering::SeqCst);
    }

    /// Waits up to `secs` until at least `n` requests were received; returns whether it happened.
    pub fn wait_count(&self, n: usize, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut log = lock(&self.shared.log);
        loop {
            if log.len() >= n {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            log = match self.shared.grew.wait_timeout(log, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// Clears the record of received requests.
    pub fn clear(&self) {
        lock(&self.shared.log).clear();
    }
}

impl Drop for Uas {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // The accept thread has stopped: no connection thread can be added any more.
        let conns: Vec<_> = lock(&self.shared.conns).drain(..).collect();
        for t in conns {
            let _ = t.join();
        }
    }
}

/// Asks for a receive buffer of `bytes` on `sock` (best effort).
fn set_rcvbuf(sock: &UdpSocket, bytes: libc::c_int) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain setsockopt with a valid int buffer on an fd `sock` owns.
    unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&bytes as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// Binds TCP and UDP on the same 127.0.0.1 port (any free one for port 0).
fn bind(port: u16) -> (TcpListener, UdpSocket) {
    if port != 0 {
        let tcp = TcpListener::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("uas: bind tcp 127.0.0.1:{port}: {e}"));
        let udp = UdpSocket::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("uas: bind udp 127.0.0.1:{port}: {e}"));
        return (tcp, udp);
    }
    for _ in 0..100 {
        let tcp = TcpListener::bind(("127.0.0.1", 0)).expect("uas: bind tcp 127.0.0.1:0");
        let p = tcp.local_addr().expect("uas: local addr").port();
        if let Ok(udp) = UdpSocket::bind(("127.0.0.1", p)) {
            return (tcp, udp);
        }
    }
    panic!("uas: no port free for both udp and tcp");
}

fn udp_loop(sock: UdpSocket, shared: Arc<Shared>) {
    let mut buf = vec![0u8; 65536];
    while !shared.stop.load(Ordering::SeqCst) {
        let (n, src) = match sock.recv_from(&mut buf) {
            Ok(r) => r,
            Err(e) if is_timeout(&e) || e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let at = Instant::now();
        let data = skip_crlf(&buf[..n]);
        if data.is_empty() {
            continue; // keep-alive ping
        }
        let head = match header_end(data) {
            Some((h, _)) => &data[..h],
            None => data,
        };
        handle(head, "udp", src.port(), at, &shared, |reply, answer| {
            std::thread::sleep(answer.delay());
            if answer == Answer::OtherPort(answer.code().unwrap_or(0)) {
                if let Ok(other) = UdpSocket::bind("127.0.0.1:0") {
                    let _ = other.send_to(reply, src);
                }
            } else {
                let _ = sock.send_to(reply, src);
            }
        });
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    use std::os::fd::AsRawFd;
    let fd = listener.as_raw_fd();
    while !shared.stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for an fd owned by `listener`, which outlives the call.
        let rc = unsafe { libc::poll(&mut pfd, 1, TICK.as_millis() as libc::c_int) };
        if rc <= 0 {
            continue;
        }
        let (stream, peer) = match listener.accept() {
            Ok(r) => r,
            Err(_) => continue,
        };
        let s = shared.clone();
        let t = std::thread::Builder::new()
            .name(format!("uas-conn-{}", peer.port()))
            .spawn(move || conn_loop(stream, peer, s));
        if let Ok(t) = t {
            let mut conns = lock(&shared.conns);
            // Reap finished connection threads so the list does not grow without bound.
            let (done, live): (Vec<_>, Vec<_>) = conns.drain(..).partition(|t| t.is_finished());
            *conns = live;
            conns.push(t);
            drop(conns);
            for t in done {
                let _ = t.join();
            }
        }
    }
}

fn conn_loop(mut stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(TICK)).is_err()
        || stream
            .set_write_timeout(Some(Duration::from_secs(2)))
            .is_err()
    {
        return;
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    while !shared.stop.load(Ordering::SeqCst) {
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if is_timeout(&e) || e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return,
        }
        let at = Instant::now();
        // Take every complete message in the buffer.
        loop {
            let lead = buf.len() - skip_crlf(&buf).len();
            buf.drain(..lead); // keep-alive CRLFs
            if buf.is_empty() {
                break;
            }
            let Some((head_len, body_start)) = header_end(&buf) else {
                if buf.len() > MAX_HEAD {
                    return;
                }
                break;
            };
            let head = &buf[..head_len];
            let body_len = content_length(head).unwrap_or(0);
            if body_len > MAX_BODY {
                return;
            }
            if buf.len() < body_start + body_len {
                break;
            }
            let mut failed = false;
            handle(head, "tcp", peer.port(), at, &shared, |reply, answer| {
                std::thread::sleep(answer.delay());
                failed = stream.write_all(reply).is_err();
            });
            buf.drain(..body_start + body_len);
            if failed {
                return;
            }
        }
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// `data` without its leading CR/LF bytes.
fn skip_crlf(data: &[u8]) -> &[u8] {
    let n = data
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    &data[n..]
}

/// Where the header block ends: (length of the headers, start of the body). Accepts CRLFCRLF,
/// and bare LFs too.
fn header_end(buf: &[u8]) -> Option<(usize, usize)> {
    for i in 0..buf.len() {
        if buf[i] != b'\n' {
            continue;
        }
        let rest = &buf[i + 1..];
        if rest.starts_with(b"\n") {
            return Some((i, i + 2));
        }
        if rest.starts_with(b"\r\n") {
            return Some((i, i + 3));
        }
    }
    None
}

/// The header lines of a head (after the start line), unfolded, as (name, value).
fn headers(lines: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            let n = n.trim();
            if !n.is_empty() {
                out.push((n.to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

/// The canonical name of a header we care about (compact forms and any case), if it is one.
fn canonical(name: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str, &str); 6] = [
        ("via", "v", "Via"),
        ("from", "f", "From"),
        ("to", "t", "To"),
        ("call-id", "i", "Call-ID"),
        ("cseq", "", "CSeq"),
        ("content-length", "l", "Content-Length"),
    ];
    NAMES
        .iter()
        .find(|(long, short, _)| {
            name.eq_ignore_ascii_case(long)
                || (!short.is_empty() && name.eq_ignore_ascii_case(short))
        })
        .map(|(_, _, c)| *c)
}

fn head_lines(head: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let first = lines
        .first()
        .map(|l| l.trim().to_string())
        .unwrap_or_default();
    let hdrs = headers(lines.get(1..).unwrap_or(&[]));
    (first, hdrs)
}

fn content_length(head: &[u8]) -> Option<usize> {
    let (_, hdrs) = head_lines(head);
    hdrs.iter()
        .find(|(n, _)| canonical(n) == Some("Content-Length"))
        .and_then(|(_, v)| v.trim().parse().ok())
}

/// The `branch` parameter of a Via value (empty if none).
fn via_branch(via: &str) -> String {
    via.split(';')
        .skip(1)
        .find_map(|p| {
            let (n, v) = p.split_once('=')?;
            n.trim()
                .eq_ignore_ascii_case("branch")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// True if a To/From value has a `tag` header parameter.
fn has_tag(value: &str) -> bool {
    let params = match value.rfind('>') {
        Some(i) if value.contains('<') => &value[i + 1..],
        _ => value.find(';').map(|i| &value[i..]).unwrap_or(""),
    };
    params.split(';').any(|p| {
        let name = p.split('=').next().unwrap_or("").trim();
        name.eq_ignore_ascii_case("tag")
    })
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        503 => "Service Unavailable",
        _ => "Reply",
    }
}

/// Handles the header block of one message: if it is a well-formed request, answers it through
/// `send` (unless silent) and records it.
fn handle(
    head: &[u8],
    transport: &'static str,
    src_port: u16,
    at: Instant,
    shared: &Shared,
    send: impl FnOnce(&[u8], Answer),
) {
    let (first, hdrs) = head_lines(head);
    let mut parts = first.split_whitespace();
    let (Some(method), Some(ruri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    if !version.eq_ignore_ascii_case("SIP/2.0") || method.contains('/') {
        return; // a response, or garbage
    }
    let find = |name: &str| {
        hdrs.iter()
            .find(|(n, _)| canonical(n) == Some(name))
            .map(|(_, v)| v.as_str())
    };
    let vias: Vec<&str> = hdrs
        .iter()
        .filter(|(n, _)| canonical(n) == Some("Via"))
        .map(|(_, v)| v.as_str())
        .collect();
    let (Some(from), Some(to), Some(call_id), Some(cseq)) =
        (find("From"), find("To"), find("Call-ID"), find("CSeq"))
    else {
        return;
    };
    if vias.is_empty() {
        return;
    }
    let answer = *lock(&shared.answer);
    let code = match answer {
        Answer::DropFirst(_)
            if lock(&shared.seen).insert((call_id.to_string(), cseq.to_string())) =>
        {
            None
        }
        _ => answer.code(),
    };
    if let Some(code) = code {
        let mut r = format!("SIP/2.0 {code} {}\r\n", reason(code));
        for v in &vias {
            r.push_str(&format!("Via: {v}\r\n"));
        }
        r.push_str(&format!("From: {from}\r\n"));
        if has_tag(to) {
            r.push_str(&format!("To: {to}\r\n"));
        } else {
            r.push_str(&format!("To: {to};tag=uas1\r\n"));
        }
        r.push_str(&format!(
            "Call-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
        ));
        send(r.as_bytes(), answer);
    }
    if shared.count_only.load(Ordering::Relaxed) {
        shared.counted.fetch_add(1, Ordering::SeqCst);
        return;
    }
    let rec = Received {
        at,
        method: method.to_string(),
        ruri: ruri.to_string(),
        from: from.to_string(),
        call_id: call_id.to_string(),
        cseq: cseq.to_string(),
        branch: via_branch(vias[0]),
        transport,
        src_port,
    };
    lock(&shared.log).push(rec);
    shared.grew.notify_all();
}
