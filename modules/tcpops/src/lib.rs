//! `tcpops`: per-connection TCP control for Kamailio, a drop-in replacement for the C module.
//! See `modules/tcpops/README.md`.
//!
//! Everything the README documents starts here: each cfg function and KEMI export is a `ki_*`
//! function below (one body for both; `w_get_conid` is the cfg form that takes a variable),
//! calling `ops::*`; `$tcp(...)` is `pv_tcp`; the `tcp:closed` / `tcp:timeout` / `tcp:reset`
//! event routes (or `event_callback`) are `events::init` and its handler; the `tcpops.*` RPCs
//! are `rpc`; the `user_timeout` modparam and the records of user timeouts set are
//! `user_timeout`, the record of applied keepalive settings `applied`; the `profile`
//! modparam is `profile` (parsing, matching) and `profile_apply`.
#![deny(unsafe_code)]

mod applied;
mod error;
use krs_parse::hostport;
mod events;
mod ops;
mod profile;
mod profile_apply;
mod pv_tcp;
mod rpc;
mod stats;
mod user_timeout;

use crate::error::InitError;
use kamailio::cfg::{routes, PvName};
use kamailio::module::{HookError, IntParam, ModuleDef, Param};
use kamailio::process::Rank;
use kamailio::pv::PvTarget;
use kamailio::{cmd, kemi, pv, rpc as rpc_def, Msg};

kamailio::module!(definition);

/// modparam `user_timeout`: `TCP_USER_TIMEOUT` (ms) of new connections (0: leave it).
pub static USER_TIMEOUT: IntParam = IntParam::new(0);

/// mod_init: the shared records of applied keepalive settings and user timeouts, the
/// `user_timeout` timer's process, and the event routes.
fn init() -> Result<(), HookError> {
    Ok(checked_init()?)
}

/// modparam `profile` (see [`profile_apply::add_spec`]).
fn add_profile(v: &[u8]) -> Result<(), HookError> {
    Ok(profile_apply::add_spec(v)?)
}

fn checked_init() -> Result<(), InitError> {
    if USER_TIMEOUT.get() < 0 {
        return Err(InitError::Param {
            name: "user_timeout",
            got: i64::from(USER_TIMEOUT.get()),
            want: ">= 0 (ms)",
        });
    }
    applied::init()?;
    user_timeout::init()?;
    profile_apply::init()?;
    if user_timeout::configured().is_some() {
        kamailio::timer::reserve_processes(1).map_err(InitError::core)?;
    }
    events::init()
}

/// child_init: before the fork (rank PROC_INIT, the core's listening sockets exist), the
/// `user_timeout` modparam goes onto the listening sockets, whose accepted connections
/// inherit it; the value they then carry is what `tcpops.list` reports for them. In the main
/// process, the timer that sets it on outbound connections.
fn child_init(rank: i32) -> Result<(), HookError> {
    Ok(checked_child_init(rank)?)
}

fn checked_child_init(rank: i32) -> Result<(), InitError> {
    if Rank::from(rank) == Rank::Main && user_timeout::configured().is_some() {
        kamailio::timer::fork(
            "tcpops user_timeout",
            user_timeout::TICK_MS,
            user_timeout::tick,
        )
        .map_err(InitError::core)?;
    }
    if Rank::from(rank) != Rank::Init {
        return Ok(());
    }
    if let Some(ms) = user_timeout::configured() {
        kamailio::tcp::user_timeout::set_listen(ms)
            .map_err(|e| InitError::ListenUserTimeout(e.to_string()))?;
    }
    rpc::remember_listen_user_timeout();
    Ok(())
}

fn definition() -> ModuleDef {
    let req_reply = routes::REQUEST | routes::ONREPLY;
    ModuleDef {
        cmds: vec![
            cmd!("tcp_keepalive_enable", ki_keepalive_enable_cid, (conid: Int, idle: Int, count: Int, interval: Int), routes::ANY),
            cmd!("tcp_keepalive_enable", ki_keepalive_enable, (idle: Int, count: Int, interval: Int), req_reply),
            cmd!("tcp_keepalive_disable", ki_keepalive_disable_cid, (conid: Int), routes::ANY),
            cmd!("tcp_keepalive_disable", ki_keepalive_disable, (), req_reply),
            cmd!("tcp_set_user_timeout", ki_user_timeout_cid, (conid: Int, timeout: Int), routes::ANY),
            cmd!("tcp_set_user_timeout", ki_user_timeout, (timeout: Int), req_reply),
            cmd!("tcp_set_connection_lifetime", ki_lifetime_cid, (conid: Int, lifetime: Int), routes::ANY),
            cmd!("tcp_set_connection_lifetime", ki_lifetime, (lifetime: Int), req_reply),
            cmd!("tcp_enable_closed_event", ki_closed_event_cid, (conid: Int), routes::ANY),
            cmd!("tcp_enable_closed_event", ki_closed_event, (), req_reply),
            cmd!("tcp_conid_state", ki_conid_state, (conid: Int), routes::ANY),
            cmd!("tcp_conid_alive", ki_conid_alive, (conid: Int), routes::ANY),
            cmd!("tcp_get_conid", w_get_conid, (addr: Str, target: Pvar), routes::ANY),
            cmd!("tcp_con_alive", ki_con_alive, (addr: Str), routes::ANY),
            cmd!("tcp_set_otcpid", ki_set_otcpid, (conid: Int), routes::ANY),
            cmd!("tcp_set_otcpid_flag", ki_set_otcpid_flag, (mode: Int), routes::ANY),
            cmd!("tcp_close_connection", ki_close, (), routes::ANY),
            cmd!("tcp_close_connection", ki_close_id, (conid: Int), routes::ANY),
        ],
        params: vec![
            Param::Int("closed_event", &events::CLOSED_EVENT),
            Param::Str("event_callback", &events::EVENT_CALLBACK),
            Param::Int("user_timeout", &USER_TIMEOUT),
            kamailio::func_param!("profile", Str, add_profile),
        ],
        rpcs: vec![
            rpc_def!(
                array: "tcpops.list",
                "List the TCP connections with their TCP health: [offset [limit [after_conid]]]",
                rpc::list
            ),
            rpc_def!(
                "tcpops.info",
                "One TCP connection with its TCP health: conid",
                rpc::info
            ),
            rpc_def!(
                array: "tcpops.profiles",
                "The TCP profiles, most specific first, with the connections each was applied to",
                rpc::profiles
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

/// `tcp_get_conid(addr, pvar)` (the cfg form; KEMI passes the variable by name).
fn w_get_conid(m: &mut Msg, addr: &[u8], target: PvName) -> i32 {
    let conid = ops::lookup_conid("tcp_get_conid", addr);
    ops::store_conid(conid, Some(target.target(m)))
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
