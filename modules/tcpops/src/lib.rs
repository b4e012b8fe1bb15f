//! `tcpops`: per-connection TCP control for Kamailio, a drop-in replacement for the C module.
//! See `modules/tcpops/README.md`.
#![deny(unsafe_code)]

mod events;
mod hostport;
mod ops;
mod pv_tcp;
mod rpc;
#[path = "../../keepalive/src/rpc_args.rs"]
#[allow(dead_code)]
mod rpc_args;
mod stats;
mod user_timeout;

use kamailio::cfg::{routes, Call, Fixup};
use kamailio::module::IntParam;
use kamailio::module::{ModuleDef, Param};
use kamailio::pv::PvTarget;
use kamailio::{cmd, kemi, pv, rpc as rpc_def, Msg};
use log::error;

use ops::FAIL;

kamailio::module!(definition);

/// modparam `user_timeout`: `TCP_USER_TIMEOUT` (ms) of accepted connections (0: leave it).
pub static USER_TIMEOUT: IntParam = IntParam::new(0);

/// mod_init: the shared record of applied keepalive settings, and the event routes.
fn init() -> Result<(), String> {
    if USER_TIMEOUT.get() < 0 {
        return Err(format!(
            "invalid \"user_timeout\" value {}: must be >= 0 (ms)",
            USER_TIMEOUT.get()
        ));
    }
    kamailio::tcp::remember_keepalive()?;
    kamailio::tcp_user_timeout::set_default(USER_TIMEOUT.get() as u32);
    if user_timeout::configured().is_some() {
        kamailio::timer::reserve_processes(1)?;
    }
    events::init()
}

/// child_init: before the fork (rank PROC_INIT, the core's listening sockets exist), the
/// `user_timeout` modparam goes onto the listening sockets, whose accepted connections
/// inherit it; the value they then carry is what `tcpops.list` reports for them.
fn child_init(rank: i32) -> Result<(), String> {
    if rank == kamailio::sys::PROC_MAIN as i32 && user_timeout::configured().is_some() {
        kamailio::timer::fork(
            "tcpops user_timeout",
            user_timeout::TICK_MS,
            user_timeout::tick,
        )?;
    }
    if rank != kamailio::sys::PROC_INIT {
        return Ok(());
    }
    let ms = USER_TIMEOUT.get();
    if ms > 0 {
        kamailio::tcp_user_timeout::set_listen(ms as u32)
            .map_err(|e| format!("cannot set user_timeout on the listening sockets: {e}"))?;
    }
    rpc::remember_listen_user_timeout();
    Ok(())
}

fn definition() -> ModuleDef {
    let req_reply = routes::REQUEST | routes::ONREPLY;
    ModuleDef {
        cmds: vec![
            cmd!(
                "tcp_keepalive_enable",
                w_keepalive_enable4,
                4,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_keepalive_enable",
                w_keepalive_enable3,
                3,
                Fixup::IntAll,
                req_reply
            ),
            cmd!(
                "tcp_keepalive_disable",
                w_keepalive_disable1,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_keepalive_disable",
                w_keepalive_disable0,
                0,
                Fixup::None,
                req_reply
            ),
            cmd!(
                "tcp_set_user_timeout",
                w_user_timeout2,
                2,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_set_user_timeout",
                w_user_timeout1,
                1,
                Fixup::IntAll,
                req_reply
            ),
            cmd!(
                "tcp_set_connection_lifetime",
                w_lifetime2,
                2,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_set_connection_lifetime",
                w_lifetime1,
                1,
                Fixup::IntAll,
                req_reply
            ),
            cmd!(
                "tcp_enable_closed_event",
                w_closed_event1,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_enable_closed_event",
                w_closed_event0,
                0,
                Fixup::None,
                req_reply
            ),
            cmd!(
                "tcp_conid_state",
                w_conid_state,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_conid_alive",
                w_conid_alive,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!("tcp_get_conid", w_get_conid, 2, Fixup::StrPvar, routes::ANY),
            cmd!("tcp_con_alive", w_con_alive, 1, Fixup::StrAll, routes::ANY),
            cmd!(
                "tcp_set_otcpid",
                w_set_otcpid,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_set_otcpid_flag",
                w_set_otcpid_flag,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
            cmd!(
                "tcp_close_connection",
                w_close0,
                0,
                Fixup::None,
                routes::ANY
            ),
            cmd!(
                "tcp_close_connection",
                w_close1,
                1,
                Fixup::IntAll,
                routes::ANY
            ),
        ],
        params: vec![
            Param::Int("closed_event", &events::CLOSED_EVENT),
            Param::Str("event_callback", &events::EVENT_CALLBACK),
            Param::Int("user_timeout", &USER_TIMEOUT),
        ],
        rpcs: vec![
            rpc_def!(
                array: "tcpops.list",
                "List the TCP connections with their TCP health: [offset [limit]]",
                rpc::list
            ),
            rpc_def!(
                "tcpops.info",
                "One TCP connection with its TCP health: conid",
                rpc::info
            ),
            rpc_def!(
                "tcpops.close",
                "Close a TCP connection as tcp_close_connection(conid) does: conid",
                rpc::close
            ),
        ],
        pvs: vec![pv!("tcp", pv_tcp::parse, pv_tcp::get)],
        kemi: vec![
            kemi!("tcp_keepalive_enable", ki_keepalive_enable, (idle: Int, cnt: Int, intvl: Int)),
            kemi!("tcp_keepalive_enable_cid", ki_keepalive_enable_cid, (con: Int, idle: Int, cnt: Int, intvl: Int)),
            kemi!("tcp_keepalive_disable", ki_keepalive_disable, ()),
            kemi!("tcp_keepalive_disable_cid", ki_keepalive_disable_cid, (con: Int)),
            kemi!("tcp_set_user_timeout", ki_user_timeout, (ms: Int)),
            kemi!("tcp_set_user_timeout_cid", ki_user_timeout_cid, (con: Int, ms: Int)),
            kemi!("tcp_set_connection_lifetime", ki_lifetime, (secs: Int)),
            kemi!("tcp_set_connection_lifetime_cid", ki_lifetime_cid, (con: Int, secs: Int)),
            kemi!("tcp_enable_closed_event", ki_closed_event, ()),
            kemi!("tcp_enable_closed_event_cid", ki_closed_event_cid, (con: Int)),
            kemi!("tcp_conid_alive", ki_conid_alive, (con: Int)),
            kemi!("tcp_conid_state", ki_conid_state, (con: Int)),
            kemi!("tcp_set_otcpid", ki_set_otcpid, (con: Int)),
            kemi!("tcp_set_otcpid_flag", ki_set_otcpid_flag, (mode: Int)),
            kemi!("tcp_close_connection", ki_close, ()),
            kemi!("tcp_close_connection_id", ki_close_id, (con: Int)),
            kemi!("tcp_get_conid", ki_get_conid, (addr: Str, pvname: Str)),
            kemi!("tcp_con_alive", ki_con_alive, (addr: Str)),
        ],
        stats: stats::list(),
        init,
        child_init,
        ..ModuleDef::new("tcpops")
    }
}

/// Reads integer parameters `first..first+N` of a cfg call, logging the one that is not a number.
fn ints<const N: usize>(call: &mut Call, names: [&str; N]) -> Result<[i32; N], i32> {
    let mut out = [0; N];
    for (i, name) in names.iter().enumerate() {
        out[i] = call.int(i).map_err(|_| {
            error!("invalid parameter '{name}' (must be a number)");
            FAIL
        })?;
    }
    Ok(out)
}

/// Runs `f` with the call's message and integer parameters; -1 on a bad parameter.
fn with_ints<const N: usize>(
    call: &mut Call,
    names: [&str; N],
    f: impl FnOnce(&mut Msg, [i32; N]) -> i32,
) -> i32 {
    match ints(call, names) {
        Ok(v) => match call.msg() {
            Some(m) => f(m, v),
            None => FAIL,
        },
        Err(e) => e,
    }
}

fn w_keepalive_enable4(c: &mut Call) -> i32 {
    with_ints(
        c,
        ["conid", "idle", "count", "interval"],
        |m, [con, i, n, t]| ops::keepalive_enable(m, Some(con), i, n, t),
    )
}
fn w_keepalive_enable3(c: &mut Call) -> i32 {
    with_ints(c, ["idle", "count", "interval"], |m, [i, n, t]| {
        ops::keepalive_enable(m, None, i, n, t)
    })
}
fn w_keepalive_disable1(c: &mut Call) -> i32 {
    with_ints(c, ["conid"], |m, [con]| {
        ops::keepalive_disable(m, Some(con))
    })
}
fn w_keepalive_disable0(c: &mut Call) -> i32 {
    with_ints(c, [], |m, []| ops::keepalive_disable(m, None))
}
fn w_user_timeout2(c: &mut Call) -> i32 {
    with_ints(c, ["conid", "timeout"], |m, [con, ms]| {
        ops::set_user_timeout(m, Some(con), ms)
    })
}
fn w_user_timeout1(c: &mut Call) -> i32 {
    with_ints(c, ["timeout"], |m, [ms]| ops::set_user_timeout(m, None, ms))
}
fn w_lifetime2(c: &mut Call) -> i32 {
    with_ints(c, ["conid", "lifetime"], |m, [con, s]| {
        ops::set_lifetime(m, Some(con), s)
    })
}
fn w_lifetime1(c: &mut Call) -> i32 {
    with_ints(c, ["lifetime"], |m, [s]| ops::set_lifetime(m, None, s))
}
fn w_closed_event1(c: &mut Call) -> i32 {
    with_ints(c, ["conid"], |m, [con]| {
        ops::enable_closed_event(m, Some(con))
    })
}
fn w_closed_event0(c: &mut Call) -> i32 {
    with_ints(c, [], |m, []| ops::enable_closed_event(m, None))
}
fn w_conid_state(c: &mut Call) -> i32 {
    ints(c, ["conid"]).map_or_else(|e| e, |[con]| ops::conid_state(con))
}
fn w_conid_alive(c: &mut Call) -> i32 {
    ints(c, ["conid"]).map_or_else(|e| e, |[con]| ops::conid_alive(con))
}
fn w_set_otcpid(c: &mut Call) -> i32 {
    with_ints(c, ["conid"], |m, [con]| ops::set_otcpid(m, con))
}
fn w_set_otcpid_flag(c: &mut Call) -> i32 {
    with_ints(c, ["mode"], |m, [mode]| ops::set_otcpid_flag(m, mode))
}
fn w_close0(c: &mut Call) -> i32 {
    with_ints(c, [], |m, []| ops::close_connection(m, None))
}
fn w_close1(c: &mut Call) -> i32 {
    with_ints(c, ["conid"], |m, [con]| ops::close_connection(m, Some(con)))
}

fn w_get_conid(c: &mut Call) -> i32 {
    let conid = match c.str(0) {
        Ok(addr) => ops::lookup_conid("tcp_get_conid", addr),
        Err(_) => {
            error!("tcp_get_conid: cannot read the address parameter");
            return FAIL;
        }
    };
    ops::store_conid(conid, c.pv_target(1).ok())
}

fn w_con_alive(c: &mut Call) -> i32 {
    match c.str(0) {
        Ok(addr) => ops::con_alive(addr),
        Err(_) => {
            error!("tcp_con_alive: cannot read the address parameter");
            FAIL
        }
    }
}

fn ki_get_conid(m: &mut Msg, addr: &[u8], pvname: &[u8]) -> i32 {
    let conid = ops::lookup_conid("tcp_get_conid", addr);
    ops::store_conid(conid, PvTarget::by_name(m, pvname))
}

fn ki_con_alive(_m: &mut Msg, addr: &[u8]) -> i32 {
    ops::con_alive(addr)
}

fn ki_keepalive_enable(m: &mut Msg, idle: i32, cnt: i32, intvl: i32) -> i32 {
    ops::keepalive_enable(m, None, idle, cnt, intvl)
}
fn ki_keepalive_enable_cid(m: &mut Msg, con: i32, idle: i32, cnt: i32, intvl: i32) -> i32 {
    ops::keepalive_enable(m, Some(con), idle, cnt, intvl)
}
fn ki_keepalive_disable(m: &mut Msg) -> i32 {
    ops::keepalive_disable(m, None)
}
fn ki_keepalive_disable_cid(m: &mut Msg, con: i32) -> i32 {
    ops::keepalive_disable(m, Some(con))
}
fn ki_user_timeout(m: &mut Msg, ms: i32) -> i32 {
    ops::set_user_timeout(m, None, ms)
}
fn ki_user_timeout_cid(m: &mut Msg, con: i32, ms: i32) -> i32 {
    ops::set_user_timeout(m, Some(con), ms)
}
fn ki_lifetime(m: &mut Msg, secs: i32) -> i32 {
    ops::set_lifetime(m, None, secs)
}
fn ki_lifetime_cid(m: &mut Msg, con: i32, secs: i32) -> i32 {
    ops::set_lifetime(m, Some(con), secs)
}
fn ki_closed_event(m: &mut Msg) -> i32 {
    ops::enable_closed_event(m, None)
}
fn ki_closed_event_cid(m: &mut Msg, con: i32) -> i32 {
    ops::enable_closed_event(m, Some(con))
}
fn ki_conid_alive(_m: &mut Msg, con: i32) -> i32 {
    ops::conid_alive(con)
}
fn ki_conid_state(_m: &mut Msg, con: i32) -> i32 {
    ops::conid_state(con)
}
fn ki_set_otcpid(m: &mut Msg, con: i32) -> i32 {
    ops::set_otcpid(m, con)
}
fn ki_set_otcpid_flag(m: &mut Msg, mode: i32) -> i32 {
    ops::set_otcpid_flag(m, mode)
}
fn ki_close(m: &mut Msg) -> i32 {
    ops::close_connection(m, None)
}
fn ki_close_id(m: &mut Msg, con: i32) -> i32 {
    ops::close_connection(m, Some(con))
}
