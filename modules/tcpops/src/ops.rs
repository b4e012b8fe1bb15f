//! The operations behind the cfg functions and KEMI exports, each written once.
//! Every function returns the documented cfg code: 1 success, negative failure, never 0.

use kamailio::pv::PvTarget;
use kamailio::tcp::{CloseRequestError, Conn, ConnState, MAX_LIFETIME_S};
use kamailio::Msg;
use log::{debug, error, warn};
use std::net::IpAddr;

use crate::applied::KeepaliveParams;
use crate::events;
use crate::stats;

pub const OK: i32 = 1;
pub const FAIL: i32 = -1;

/// Fails (with one log line) when the core runs without TCP (`disable_tcp=yes`): there is no
/// connection to act on, and the core's connection table does not exist.
#[inline]
pub fn require_tcp(func: &str) -> Result<(), i32> {
    if Conn::tcp_enabled() {
        Ok(())
    } else {
        error!("{func}: TCP is disabled (disable_tcp=yes)");
        Err(FAIL)
    }
}

/// The connection a function acts on: the given conid, or the current message's.
fn target_conid(msg: &Msg, conid: Option<i32>, func: &str) -> Result<i32, i32> {
    match conid {
        Some(c) => Ok(c),
        None => msg.rcv_conid().ok_or_else(|| {
            error!("{func}: the current message does not come from a TCP connection");
            FAIL
        }),
    }
}

fn find(conid: i32, func: &str) -> Result<Conn, i32> {
    Conn::by_id(conid).ok_or_else(|| {
        error!("{func}: no TCP connection with id {conid}");
        FAIL
    })
}

fn code(r: Result<i32, i32>) -> i32 {
    r.unwrap_or_else(|e| e)
}

/// `tcp_conid_state(conid)`: 1 ok, 2 accepting, 3 connecting, -1 no such connection,
/// -2 EOF, -3 error, -4 bad.
#[inline]
pub fn conid_state(conid: i32) -> i32 {
    if let Err(e) = require_tcp("tcp_conid_state") {
        return e;
    }
    state_code(conid)
}

#[inline]
fn state_code(conid: i32) -> i32 {
    let Some(state) = Conn::peek_state(conid) else {
        debug!("tcp_conid_state: connection id {conid} does not exist");
        return -1;
    };
    match state {
        ConnState::Ok => 1,
        ConnState::Accept => 2,
        ConnState::Connect => 3,
        ConnState::Eof => -2,
        ConnState::Error => -3,
        ConnState::Bad => -4,
        ConnState::Init | ConnState::Other(_) => 1,
    }
}

/// `tcp_conid_alive(conid)`: 1 if the connection is usable, -1 otherwise.
#[inline]
pub fn conid_alive(conid: i32) -> i32 {
    if let Err(e) = require_tcp("tcp_conid_alive") {
        return e;
    }
    if state_code(conid) >= 1 {
        OK
    } else {
        FAIL
    }
}

/// `tcp_keepalive_enable([conid], idle, count, interval)`.
pub fn keepalive_enable(
    msg: &Msg,
    conid: Option<i32>,
    idle: i32,
    count: i32,
    interval: i32,
) -> i32 {
    code((|| {
        require_tcp("tcp_keepalive_enable")?;
        let id = target_conid(msg, conid, "tcp_keepalive_enable")?;
        if idle <= 0 || count <= 0 || interval <= 0 {
            error!("tcp_keepalive_enable: idle ({idle}), count ({count}) and interval ({interval}) must be > 0");
            return Err(FAIL);
        }
        let c = find(id, "tcp_keepalive_enable")?;
        let ka = KeepaliveParams {
            idle,
            count,
            interval,
        };
        match crate::applied::apply(&c, Some(ka)) {
            Ok(changed) => {
                debug!("keepalive on conid {id}: idle={idle} cnt={count} intvl={interval} (socket changed: {changed})");
                stats::KEEPALIVE_ENABLED.inc();
                Ok(OK)
            }
            Err(e) => {
                error!("tcp_keepalive_enable: conid {id}: {e}");
                Err(FAIL)
            }
        }
    })())
}

/// `tcp_keepalive_disable([conid])`.
pub fn keepalive_disable(msg: &Msg, conid: Option<i32>) -> i32 {
    code((|| {
        require_tcp("tcp_keepalive_disable")?;
        let id = target_conid(msg, conid, "tcp_keepalive_disable")?;
        let c = find(id, "tcp_keepalive_disable")?;
        match crate::applied::apply(&c, None) {
            Ok(_) => {
                stats::KEEPALIVE_DISABLED.inc();
                Ok(OK)
            }
            Err(e) => {
                error!("tcp_keepalive_disable: conid {id}: {e}");
                Err(FAIL)
            }
        }
    })())
}

/// `tcp_set_user_timeout([conid], ms)`: `TCP_USER_TIMEOUT` on the connection (0 = the
/// kernel's default); returns as `tcp_keepalive_enable`.
pub fn set_user_timeout(msg: &Msg, conid: Option<i32>, ms: i32) -> i32 {
    code((|| {
        require_tcp("tcp_set_user_timeout")?;
        let id = target_conid(msg, conid, "tcp_set_user_timeout")?;
        let Ok(ms) = u32::try_from(ms) else {
            error!("tcp_set_user_timeout: the timeout ({ms}) must be >= 0 ms");
            return Err(FAIL);
        };
        let c = find(id, "tcp_set_user_timeout")?;
        match crate::user_timeout::set(&c, ms) {
            Ok(()) => {
                debug!("user timeout on conid {id}: {ms} ms");
                stats::USER_TIMEOUT_SET.inc();
                Ok(OK)
            }
            Err(e) => {
                error!("tcp_set_user_timeout: conid {id}: {e}");
                Err(FAIL)
            }
        }
    })())
}

/// `tcp_set_connection_lifetime([conid], lifetime)`.
#[inline]
pub fn set_lifetime(msg: &Msg, conid: Option<i32>, secs: i32) -> i32 {
    code((|| {
        require_tcp("tcp_set_connection_lifetime")?;
        let id = target_conid(msg, conid, "tcp_set_connection_lifetime")?;
        if secs < 0 {
            error!("tcp_set_connection_lifetime: invalid lifetime {secs}, must be >= 0");
            return Err(FAIL);
        }
        if secs as u32 > MAX_LIFETIME_S {
            warn!("tcp_set_connection_lifetime: {secs} s is above the core's maximum, {MAX_LIFETIME_S} s is used");
        }
        if !Conn::set_lifetime_by_id(id, secs as u32) {
            debug!("tcp_set_connection_lifetime: connection id {id} does not exist");
            return Err(FAIL);
        }
        crate::profile_apply::lifetime_set(id);
        stats::LIFETIME_SET.inc();
        Ok(OK)
    })())
}

/// `tcp_enable_closed_event([conid])`.
pub fn enable_closed_event(msg: &Msg, conid: Option<i32>) -> i32 {
    code((|| {
        require_tcp("tcp_enable_closed_event")?;
        if conid.is_none() && events::closed_event_mode() != 2 {
            warn!(
                "tcp_enable_closed_event() can only be used if the \"closed_event\" modparam is 2"
            );
            return Err(FAIL);
        }
        let id = target_conid(msg, conid, "tcp_enable_closed_event")?;
        find(id, "tcp_enable_closed_event")?.enable_close_event();
        Ok(OK)
    })())
}

/// `tcp_close_connection([conid])`: 1 requested, -1 no such connection, -2 request failed.
pub fn close_connection(msg: &Msg, conid: Option<i32>) -> i32 {
    code((|| {
        require_tcp("tcp_close_connection")?;
        let id = target_conid(msg, conid, "tcp_close_connection")?;
        close_by_id(id).map(|()| OK).map_err(|e| match e {
            CloseError::NoSuchConnection => {
                debug!("tcp_close_connection: no TCP connection with id {id}");
                FAIL
            }
            CloseError::Request(e) => {
                error!("tcp_close_connection: conid {id}: {e}");
                -2
            }
        })
    })())
}

/// Why [`close_by_id`] failed.
pub enum CloseError {
    NoSuchConnection,
    Request(CloseRequestError),
}

/// Asks TCP main to close connection `id`, as `tcp_close_connection(conid)` (and
/// `tcpops.close`) do, counted in `connections_closed`.
pub fn close_by_id(id: i32) -> Result<(), CloseError> {
    let c = Conn::by_id(id).ok_or(CloseError::NoSuchConnection)?;
    c.close().map_err(CloseError::Request)?;
    stats::CONNECTIONS_CLOSED.inc();
    Ok(())
}

/// `tcp_set_otcpid(conid)`.
pub fn set_otcpid(msg: &mut Msg, conid: i32) -> i32 {
    code(require_tcp("tcp_set_otcpid").map(|()| {
        msg.set_otcpid(conid);
        OK
    }))
}

/// `tcp_set_otcpid_flag(mode)`.
pub fn set_otcpid_flag(msg: &mut Msg, mode: i32) -> i32 {
    code(require_tcp("tcp_set_otcpid_flag").map(|()| {
        msg.set_use_otcpid(mode != 0);
        OK
    }))
}

/// The id of the connection to `addr` (`host[:port]` or a SIP URI), 0 if there is none: an
/// IP address is looked up as it is, a host name through the core's resolver.
fn find_conid(addr: &[u8]) -> Result<i32, crate::hostport::HostPortError> {
    if let Some((ip, port)) = crate::hostport::ipv4_fast(addr) {
        let conn = Conn::by_ip(IpAddr::from(ip), port);
        return Ok(conn.map_or(0, |c| c.id()));
    }
    let hp = crate::hostport::parse(addr)?;
    let literal = std::str::from_utf8(hp.host)
        .ok()
        .and_then(|h| h.parse::<IpAddr>().ok());
    let conn = match literal {
        Some(ip) => Conn::by_ip(ip, hp.port),
        None => Conn::by_host(hp.host, hp.port),
    };
    Ok(conn.map_or(0, |c| c.id()))
}

/// Looks up the connection to `addr` for `func`: its id, or 0 if there is none; `Err` (after
/// a log line) for a bad address or without TCP.
pub fn lookup_conid(func: &str, addr: &[u8]) -> Result<i32, i32> {
    require_tcp(func)?;
    find_conid(addr).map_err(|e| {
        error!(
            "{func}: bad address [{}]: {e}",
            String::from_utf8_lossy(&addr[..addr.len().min(64)])
        );
        FAIL
    })
}

/// The end of `tcp_get_conid(addr, pvname)`: stores the id found (0 for none) into the
/// variable; 1 if a connection was found, -1 otherwise (the variable is left alone when the
/// lookup itself failed).
pub fn store_conid(conid: Result<i32, i32>, target: Option<PvTarget>) -> i32 {
    let conid = match conid {
        Ok(id) => id,
        Err(e) => return e,
    };
    let Some(target) = target else {
        error!("tcp_get_conid: bad output variable");
        return FAIL;
    };
    if !target.is_writable() || !target.set_int(conid) {
        error!("tcp_get_conid: cannot set the output variable (read-only?)");
        return FAIL;
    }
    if conid == 0 {
        FAIL
    } else {
        OK
    }
}

/// `tcp_con_alive(addr)` (6.1): 1 if a connection to `addr` exists, -1 otherwise.
pub fn con_alive(addr: &[u8]) -> i32 {
    match lookup_conid("tcp_con_alive", addr) {
        Ok(id) if id > 0 => OK,
        Ok(_) => FAIL,
        Err(e) => e,
    }
}
