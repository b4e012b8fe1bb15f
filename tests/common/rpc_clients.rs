//! RPC clients other than kamcmd: JSON-RPC (jsonrpcs) over its datagram transport (UDP),
//! its FIFO and HTTP (xhttp), and XML-RPC (xmlrpc) over HTTP. Every call has a timeout: a
//! server that never answers shows as `Err`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A JSON-RPC request for `method` with `params` (numbers stay numbers).
pub fn json_request(method: &str, params: &[&str], id: u64, reply_name: Option<&str>) -> String {
    let p: Vec<String> = params
        .iter()
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                p.to_string()
            } else {
                serde_json::Value::String(p.to_string()).to_string()
            }
        })
        .collect();
    let reply = reply_name
        .map(|r| format!(",\"reply_name\":\"{r}\""))
        .unwrap_or_default();
    format!(
        "{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":[{}],\"id\":{id}{reply}}}",
        p.join(",")
    )
}

fn parse(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text.trim()).map_err(|e| format!("bad JSON ({e}): {text}"))
}

/// jsonrpcs' datagram transport over UDP.
pub struct JsonUdp {
    sock: UdpSocket,
    to: SocketAddr,
    id: u64,
}

impl JsonUdp {
    pub fn new(port: u16, timeout: Duration) -> JsonUdp {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(timeout)).unwrap();
        JsonUdp {
            sock,
            to: SocketAddr::from(([127, 0, 0, 1], port)),
            id: 0,
        }
    }

    /// The whole reply object (`result` or `error`).
    pub fn call(&mut self, method: &str, params: &[&str]) -> Result<serde_json::Value, String> {
        self.id += 1;
        let req = json_request(method, params, self.id, None);
        self.sock
            .send_to(req.as_bytes(), self.to)
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = self
                .sock
                .recv(&mut buf)
                .map_err(|e| format!("no reply to {method} {params:?}: {e}"))?;
            let v = parse(&String::from_utf8_lossy(&buf[..n]))?;
            // a late reply to an earlier call that timed out: skip it
            if v.get("id").and_then(|i| i.as_u64()) == Some(self.id) {
                return Ok(v);
            }
        }
    }
}

/// jsonrpcs' FIFO transport: requests written to `fifo`, replies read from a FIFO made in
/// `reply_dir` (the module's `fifo_reply_dir`).
pub struct JsonFifo {
    pub fifo: PathBuf,
    pub reply_dir: PathBuf,
    id: u64,
}

impl JsonFifo {
    pub fn new(fifo: &Path, reply_dir: &Path) -> JsonFifo {
        JsonFifo {
            fifo: fifo.to_path_buf(),
            reply_dir: reply_dir.to_path_buf(),
            id: 0,
        }
    }

    pub fn call(&mut self, method: &str, params: &[&str]) -> Result<serde_json::Value, String> {
        self.id += 1;
        let name = format!("reply-{}-{}", std::process::id(), self.id);
        let reply = self.reply_dir.join(&name);
        let c = std::ffi::CString::new(reply.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o666) };
        if rc != 0 {
            return Err(format!("mkfifo: {}", std::io::Error::last_os_error()));
        }
        let req = json_request(method, params, self.id, Some(&name));
        let res = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&self.fifo)
                .map_err(|e| e.to_string())?;
            f.write_all(format!("{req}\n").as_bytes())
                .map_err(|e| e.to_string())?;
            drop(f);
            // the open blocks until the server opens its end: do it with a timeout
            let path = reply.clone();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let r = std::fs::read_to_string(&path).map_err(|e| e.to_string());
                let _ = tx.send(r);
            });
            rx.recv_timeout(Duration::from_secs(20))
                .map_err(|_| format!("no FIFO reply to {method}"))?
        })();
        let _ = std::fs::remove_file(&reply);
        parse(&res?)
    }
}

/// An HTTP POST over a new TCP connection; the reply body.
pub fn http_post(addr: SocketAddr, path: &str, ctype: &str, body: &str) -> Result<String, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status).map_err(|e| e.to_string())?;
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).map_err(|e| e.to_string())?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            if n.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut b = vec![0; len];
    r.read_exact(&mut b).map_err(|e| e.to_string())?;
    if !status.contains(" 200 ") {
        return Err(format!("{status}{}", String::from_utf8_lossy(&b)));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// JSON-RPC over HTTP (xhttp + jsonrpcs' `jsonrpc_dispatch`) at `path`.
pub fn json_http(
    addr: SocketAddr,
    path: &str,
    method: &str,
    params: &[&str],
) -> Result<serde_json::Value, String> {
    let body = http_post(
        addr,
        path,
        "application/json",
        &json_request(method, params, 1, None),
    )?;
    parse(&body)
}

/// XML-RPC over HTTP (xmlrpc's `dispatch_rpc`): the reply document.
pub fn xmlrpc(
    addr: SocketAddr,
    path: &str,
    method: &str,
    params: &[&str],
) -> Result<String, String> {
    let p: String = params
        .iter()
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                format!("<param><value><int>{p}</int></value></param>")
            } else {
                format!("<param><value><string>{p}</string></value></param>")
            }
        })
        .collect();
    http_post(
        addr,
        path,
        "text/xml",
        &format!("<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>{p}</params></methodCall>"),
    )
}
