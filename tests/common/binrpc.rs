//! A binrpc client (ctl's protocol, what `kamcmd` speaks) without `kamcmd`'s 128 KiB reply
//! limit: reads a reply of any size, with a deadline.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// A value of a binrpc reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Str(String),
    Double(f64),
    Struct(Vec<(String, Value)>),
    Array(Vec<Value>),
}

impl Value {
    /// A member of a struct.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(m) => m.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

const T_INT: u8 = 0;
const T_STR: u8 = 1;
const T_DOUBLE: u8 = 2;
const T_STRUCT: u8 = 3;
const T_ARRAY: u8 = 4;
const T_AVP: u8 = 5;
const T_BYTES: u8 = 6;

/// Big-endian bytes of `v` without leading zero bytes.
fn min_be(v: u32) -> Vec<u8> {
    v.to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect()
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    let len = s.len() as u32 + 1;
    if len < 8 {
        out.push(((len as u8) << 4) | T_STR);
    } else {
        let l = min_be(len);
        out.push((((l.len() as u8) | 8) << 4) | T_STR);
        out.extend(l);
    }
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

fn push_int(out: &mut Vec<u8>, v: i32) {
    let b = min_be(v as u32);
    out.push(((b.len() as u8) << 4) | T_INT);
    out.extend(b);
}

/// A request: the method and its parameters (digits go as integers, as kamcmd sends them).
fn request(method: &str, params: &[&str], cookie: u32) -> Vec<u8> {
    let mut body = Vec::new();
    push_str(&mut body, method);
    for p in params {
        match p.parse::<i32>() {
            Ok(i) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                push_int(&mut body, i)
            }
            _ => push_str(&mut body, p),
        }
    }
    let len = min_be(body.len() as u32);
    let c = min_be(cookie).into_iter().collect::<Vec<_>>();
    let c = if c.is_empty() { vec![0] } else { c };
    let mut out = vec![0xA1, ((len.len() as u8 - 1) << 2) | (c.len() as u8 - 1)];
    out.extend(len);
    out.extend(c);
    out.extend(body);
    out
}

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
}

enum Rec {
    Val(Value),
    End,
    Name(String),
}

impl Parser<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or_else(|| format!("record past the end at {}", self.at))?;
        self.at += n;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |a, &b| (a << 8) | u64::from(b)))
    }

    fn record(&mut self) -> Result<Rec, String> {
        let tag = self.take(1)?[0];
        let ty = tag & 0xf;
        let mut len = usize::from(tag >> 4);
        let mut end = false;
        if ty != T_DOUBLE && len & 8 != 0 {
            end = true;
            len = self.uint(len & 7)? as usize;
        }
        let text =
            |b: &[u8]| String::from_utf8_lossy(b.strip_suffix(&[0]).unwrap_or(b)).into_owned();
        Ok(match ty {
            T_INT => Rec::Val(Value::Int(i64::from(self.uint(len)? as u32 as i32))),
            T_DOUBLE => Rec::Val(Value::Double(self.uint(len)? as i64 as f64 / 1000.0)),
            T_STR => Rec::Val(Value::Str(text(self.take(len)?))),
            T_BYTES => Rec::Val(Value::Str(
                String::from_utf8_lossy(self.take(len)?).into_owned(),
            )),
            T_AVP => Rec::Name(text(self.take(len)?)),
            T_STRUCT | T_ARRAY if end => Rec::End,
            T_STRUCT => {
                let mut members = Vec::new();
                loop {
                    match self.record()? {
                        Rec::End => break,
                        Rec::Name(n) => match self.record()? {
                            Rec::Val(v) => members.push((n, v)),
                            _ => return Err(format!("member {n} without a value")),
                        },
                        Rec::Val(_) => return Err("struct member without a name".into()),
                    }
                }
                Rec::Val(Value::Struct(members))
            }
            T_ARRAY => {
                let mut items = Vec::new();
                loop {
                    match self.record()? {
                        Rec::End => break,
                        Rec::Val(v) => items.push(v),
                        Rec::Name(_) => return Err("name in an array".into()),
                    }
                }
                Rec::Val(Value::Array(items))
            }
            t => return Err(format!("unknown record type {t}")),
        })
    }
}

/// What a call came to: the reply's top-level values, or a fault (code, message).
pub type Reply = Result<Vec<Value>, (i64, String)>;

/// Calls `method` over ctl's unix socket `ctl`; `Err` when no complete reply arrives within
/// `timeout` or it cannot be parsed. Also returns the reply's size on the wire. With
/// `pause`, reads the reply body 16 KiB at a time with that pause before each read (a
/// client slow to read).
pub fn call_sized(
    ctl: &Path,
    method: &str,
    params: &[&str],
    timeout: Duration,
    pause: Option<Duration>,
) -> Result<(Reply, usize), String> {
    let mut s = UnixStream::connect(ctl).map_err(|e| format!("connect {}: {e}", ctl.display()))?;
    s.set_read_timeout(Some(timeout)).unwrap();
    s.set_write_timeout(Some(timeout)).unwrap();
    s.write_all(&request(method, params, 0x4b52))
        .map_err(|e| e.to_string())?;
    let mut hdr = [0u8; 2];
    s.read_exact(&mut hdr)
        .map_err(|e| format!("{method}: no reply: {e}"))?;
    if hdr[0] != 0xA1 {
        return Err(format!("{method}: not a binrpc reply: {hdr:?}"));
    }
    let len_len = usize::from((hdr[1] >> 2) & 3) + 1;
    let c_len = usize::from(hdr[1] & 3) + 1;
    let mut rest = vec![0u8; len_len + c_len];
    s.read_exact(&mut rest).map_err(|e| e.to_string())?;
    let body_len = rest[..len_len]
        .iter()
        .fold(0usize, |a, &b| (a << 8) | usize::from(b));
    let mut body = vec![0u8; body_len];
    let chunk = if pause.is_some() {
        16 * 1024
    } else {
        body_len.max(1)
    };
    for part in body.chunks_mut(chunk) {
        if let Some(p) = pause {
            std::thread::sleep(p);
        }
        s.read_exact(part)
            .map_err(|e| format!("{method}: reply cut: {e} (body of {body_len} bytes)"))?;
    }
    let mut p = Parser { b: &body, at: 0 };
    let mut values = Vec::new();
    while p.at < body.len() {
        match p.record()? {
            Rec::Val(v) => values.push(v),
            _ => return Err(format!("{method}: unexpected record at {}", p.at)),
        }
    }
    let size = 2 + len_len + c_len + body_len;
    let reply = match hdr[1] >> 4 {
        1 => Ok(values),
        3 => {
            let code = match values.first() {
                Some(Value::Int(c)) => *c,
                _ => 0,
            };
            let msg = match values.get(1) {
                Some(Value::Str(m)) => m.clone(),
                _ => String::new(),
            };
            Err((code, msg))
        }
        t => return Err(format!("{method}: reply of type {t}")),
    };
    Ok((reply, size))
}

/// [`call_sized`] without the size.
pub fn call(ctl: &Path, method: &str, params: &[&str], timeout: Duration) -> Result<Reply, String> {
    call_sized(ctl, method, params, timeout, None).map(|(r, _)| r)
}
