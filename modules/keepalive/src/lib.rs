//! `keepalive`: destination monitoring with SIP OPTIONS, a drop-in replacement for the C
//! module with a constant-time destination table in shm. See `modules/keepalive/README.md`.
//!
//! Everything the README documents starts here: cfg functions and KEMI exports are the
//! `ki_*` functions below (one body for both), RPCs the `rpc::*` functions named in
//! [`definition`], the API for other modules the `api_*` functions and `table::api_lock` /
//! `table::api_unlock`. The event routes `keepalive:dst-up` / `keepalive:dst-down` (or
//! `event_callback`) run from `prober::init`'s targets when a probe changes a state.
#![deny(unsafe_code)]

mod attrs;
use krs_parse::{codes, dest_uri};
mod best;
mod cluster;
mod config;
mod error;
mod latency;
mod latency_event;
mod lookup;
mod outcome;
mod prober;
mod prom;
mod rpc;
mod state;
mod stateless;
mod stats;
mod table;

use kamailio::cfg::PvName;
use kamailio::cfg::{routes, LitStr};
use kamailio::ka_api::{self, ApiImpl, ForeignCallbacks, Lent};
use kamailio::module::{HookError, ModuleDef, Param};
use kamailio::process::Rank;
use kamailio::pv::PvTarget;
use kamailio::{cmd, func_param, kemi, pv, rpc as rpc_def, Msg};
use log::error;

kamailio::module!(definition);

fn definition() -> ModuleDef {
    let add_routes = routes::REQUEST | routes::BRANCH | routes::ONREPLY;
    ModuleDef {
        cmds: vec![
            cmd!("ka_is_alive", w_is_alive, (destination: Lit<lookup::Prepared>), routes::ANY),
            cmd!("is_alive", w_is_alive, (destination: Lit<lookup::Prepared>), routes::ANY),
            cmd!("ka_add_destination", ki_add, (sip_uri: Str, owner: Str), add_routes),
            cmd!("ka_add_destination", ki_add_attrs, (sip_uri: Str, owner: Str, attrs: Str), add_routes),
            cmd!("ka_del_destination", ki_del, (sip_uri: Str, owner: Str), routes::ANY),
            cmd!("ka_best", w_best, (list: Str, pvname: Pvar), routes::ANY),
            cmd!("ka_prom_metrics", w_prom, (owner: Str, pvname: Pvar), routes::ANY),
            ka_api::bind_cmd(ApiImpl {
                add: api_add,
                state: api_state,
                del: api_del,
                find: api_find,
                lock: table::api_lock,
                unlock: table::api_unlock,
            }),
        ],
        params: vec![
            Param::Int("ping_interval", &config::PING_INTERVAL),
            func_param!("destination", Str, add_destination_param),
            Param::Int("delete_counter", &config::DELETE_COUNTER),
            Param::Str("ping_from", &config::PING_FROM),
            Param::Int("down_after", &config::DOWN_AFTER),
            Param::Int("up_after", &config::UP_AFTER),
            Param::Str("alive_codes", &config::ALIVE_CODES),
            Param::Int("probe_timeout", &config::PROBE_TIMEOUT),
            Param::Str("event_callback", &config::EVENT_CALLBACK),
            Param::Int("remove_unreachable", &config::REMOVE_UNREACHABLE),
            Param::Int("max_destinations", &config::MAX_DESTINATIONS),
            Param::Int("dmq", &cluster::DMQ),
            Param::Int("dmq_replicate_adds", &cluster::DMQ_REPLICATE_ADDS),
            Param::Str("dmq_secret", &cluster::DMQ_SECRET),
            Param::Str("dmq_secret_accept", &cluster::DMQ_SECRET_ACCEPT),
            Param::Int("ping_with_tm", &config::PING_WITH_TM),
            Param::Int("latency_alpha", &config::LATENCY_ALPHA),
            Param::Int("prom_max_series", &prom::PROM_MAX_SERIES),
            Param::Int("latency_threshold", &latency_event::LATENCY_THRESHOLD),
            Param::Int("latency_hysteresis", &latency_event::LATENCY_HYSTERESIS),
        ],
        rpcs: vec![
            rpc_def!(
                array: "keepalive.list",
                "List the monitored destinations: keepalive.list [offset [limit]]",
                rpc::list
            ),
            rpc_def!(
                array: "keepalive.stats",
                "Probing figures of the destinations: keepalive.stats [offset [limit]]",
                rpc::stats
            ),
            rpc_def!(
                array: "keepalive.latency",
                "Latency and outcome statistics: keepalive.latency [offset [limit]]",
                rpc::latency
            ),
            rpc_def!(
                "keepalive.add",
                "Add a destination: keepalive.add sip_uri listname [attrs]",
                rpc::add
            ),
            rpc_def!(
                "keepalive.set",
                "Change a destination's attributes: keepalive.set sip_uri attrs",
                rpc::set
            ),
            rpc_def!(
                "keepalive.del",
                "Delete a destination: keepalive.del sip_uri listname",
                rpc::del
            ),
            rpc_def!(
                "keepalive.get",
                "Show a destination: keepalive.get sip_uri listname",
                rpc::get
            ),
            rpc_def!("keepalive.flush", "Delete all destinations", rpc::flush),
            rpc_def!(
                "keepalive.stats_reset",
                "Reset the latency and outcome statistics: keepalive.stats_reset [sip_uri]",
                rpc::stats_reset
            ),
            rpc_def!(
                "keepalive.ping_active",
                "Show, pause (0) or resume (1) all probing: keepalive.ping_active [0|1]",
                rpc::ping_active
            ),
        ],
        kemi: vec![
            kemi!("is_alive", ki_is_alive, (dest: Str)),
            kemi!("add_destination", ki_add, (uri: Str, owner: Str)),
            kemi!("add_destination_attrs", ki_add_attrs, (uri: Str, owner: Str, attrs: Str)),
            kemi!("del_destination", ki_del, (uri: Str, owner: Str)),
            kemi!("best", ki_best, (list: Str, pvname: Str)),
            kemi!("prom_metrics", ki_prom, (owner: Str, pvname: Str)),
        ],
        stats: stats::list(cluster::probed_here, cluster::peers),
        pvs: vec![pv!("kalat", latency_event::pv_parse, latency_event::pv_get)],
        init: mod_init,
        child_init,
        reply_hook: Some(stateless::on_reply),
        ..ModuleDef::new("keepalive")
    }
}

/// Why mod_init failed (logged by the core wrapper as the module's init error).
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] error::ConfigError),
    #[error(transparent)]
    Core(#[from] error::CoreError),
    #[error(transparent)]
    Attrs(#[from] error::AttrsError),
    #[error("destination {uri}: {err}")]
    Destination { uri: String, err: table::Error },
    #[error("poisoned")]
    Poisoned,
}

/// The `destination` modparam (see [`config::add_initial`]).
fn add_destination_param(value: &[u8]) -> Result<(), HookError> {
    Ok(config::add_initial(value)?)
}

fn mod_init() -> Result<(), HookError> {
    Ok(init()?)
}

fn init() -> Result<(), InitError> {
    config::init()?;
    table::init()?;
    prober::init()?;
    cluster::init(config::settings().interval_ms)?;
    stateless::init()?;
    kamailio::timer::reserve_processes(1).map_err(error::CoreError::of)?;
    let initial = std::mem::take(&mut *config::INITIAL.lock().map_err(|_| InitError::Poisoned)?);
    for (uri, attrs) in initial {
        let patch = attrs.as_deref().map(attrs::parse_checked).transpose()?;
        table::add(
            &uri,
            b"_params",
            None,
            ForeignCallbacks::NONE,
            false,
            patch.as_ref(),
        )
        .map_err(|err| InitError::Destination {
            uri: String::from_utf8_lossy(&uri).into_owned(),
            err,
        })?;
        log::info!("added destination {}", String::from_utf8_lossy(&uri));
    }
    Ok(())
}

fn child_init(rank: i32) -> Result<(), HookError> {
    if Rank::from(rank) == Rank::Main {
        kamailio::timer::fork("keepalive pinger", prober::TICK_MS, pinger_tick)?;
    }
    Ok(())
}

/// The pinger process's tick: pings, then (cluster mode) the digest when it is due.
fn pinger_tick(now_ms: u64) {
    prober::tick(now_ms);
    cluster::tick(now_ms);
}

/// Shortened, printable form of a parameter for log lines.
fn shown(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(64)]).into_owned()
}

/// ka_is_alive: 1 up (also while not probed yet, as the C module), 2 down, -1 unknown
/// destination or bad parameter.
fn is_alive(dest: &[u8]) -> i32 {
    alive_code(lookup::state_of(dest))
}

/// The cfg return code of a destination's state (`None`: not monitored).
fn alive_code(state: Option<i32>) -> i32 {
    match state {
        Some(state::DOWN) => state::DOWN,
        Some(_) => state::UP,
        // (not logged: a config asks about unmonitored addresses on purpose, and the check
        // of the log level would cost as much as the lookup)
        None => -1,
    }
}

fn add(uri: &[u8], owner: &[u8], attrs: Option<&[u8]>) -> i32 {
    // an empty string is no attributes (replicated as a plain add)
    let attrs = attrs.filter(|a| !a.is_empty());
    let patch = match attrs.map(attrs::parse_checked).transpose() {
        Ok(p) => p,
        Err(e) => {
            error!("ka_add_destination({}, {}): {e}", shown(uri), shown(owner));
            return -1;
        }
    };
    match table::add(
        uri,
        owner,
        None,
        ForeignCallbacks::NONE,
        false,
        patch.as_ref(),
    ) {
        Ok(()) => {
            match attrs {
                Some(text) => cluster::replicate_attrs(uri, owner, text),
                None => cluster::replicate(true, uri, owner),
            }
            1
        }
        Err(e) => {
            if !e.logged() {
                error!("ka_add_destination({}, {}): {e}", shown(uri), shown(owner));
            }
            -1
        }
    }
}

/// ka_del_destination and KEMI del_destination (replicated under `dmq_replicate_adds`).
fn del(uri: &[u8], owner: &[u8]) -> i32 {
    let rc = del_here(uri, owner);
    if rc == 1 {
        cluster::replicate(false, uri, owner);
    }
    rc
}

fn del_here(uri: &[u8], owner: &[u8]) -> i32 {
    match table::del(uri, owner) {
        Ok(()) => 1,
        Err(e) => {
            error!("ka_del_destination({}, {}): {e}", shown(uri), shown(owner));
            -1
        }
    }
}

/// ka_is_alive from the cfg: a literal parameter was prepared at fixup time (an invalid one
/// was reported then).
fn w_is_alive(dest: LitStr<lookup::Prepared>) -> i32 {
    match dest.prepared {
        Some(p) => alive_code(lookup::state_prepared(p)),
        None => is_alive(dest.text),
    }
}

fn ki_is_alive(_m: &mut Msg, dest: &[u8]) -> i32 {
    is_alive(dest)
}

fn ki_add(_m: &mut Msg, uri: &[u8], owner: &[u8]) -> i32 {
    add(uri, owner, None)
}

fn ki_add_attrs(_m: &mut Msg, uri: &[u8], owner: &[u8], attrs: &[u8]) -> i32 {
    add(uri, owner, Some(attrs))
}

/// ka_best: writes the fastest alive candidate into the variable; 1, or -1 when none is
/// alive (the variable unchanged) or it cannot be written.
fn best(list: &[u8], target: Option<PvTarget>) -> i32 {
    let Some(chosen) = best::choose(list, lookup::state_estimate_of) else {
        return -1;
    };
    match target {
        Some(t) if t.set_str(chosen) => 1,
        _ => {
            error!("ka_best: cannot set the output variable (read-only or bad name?)");
            -1
        }
    }
}

fn w_best(m: &mut Msg, list: &[u8], pv: PvName) -> i32 {
    best(list, Some(pv.target(m)))
}

fn ki_best(m: &mut Msg, list: &[u8], pvname: &[u8]) -> i32 {
    best(list, PvTarget::by_name(m, pvname))
}

/// ka_prom_metrics: the Prometheus exposition of the registrations of `owner` (empty: all)
/// into the variable; 1, -1 if it cannot be written.
fn prom_metrics(owner: &[u8], target: Option<PvTarget>) -> i32 {
    let max = usize::try_from(prom::PROM_MAX_SERIES.get()).unwrap_or(0);
    let filter = (!owner.is_empty()).then_some(owner);
    let (entries, total) = table::owner_page(filter, prom::entries_for(max));
    let text = prom::exposition(&entries, total);
    match target {
        Some(t) if t.set_str(text.as_bytes()) => 1,
        _ => {
            error!("ka_prom_metrics: cannot set the output variable (read-only or bad name?)");
            -1
        }
    }
}

fn w_prom(m: &mut Msg, owner: &[u8], pv: PvName) -> i32 {
    prom_metrics(owner, Some(pv.target(m)))
}

fn ki_prom(m: &mut Msg, owner: &[u8], pvname: &[u8]) -> i32 {
    prom_metrics(owner, PvTarget::by_name(m, pvname))
}

fn ki_del(_m: &mut Msg, uri: &[u8], owner: &[u8]) -> i32 {
    del(uri, owner)
}

/// The API's add_destination; its `ping_interval` is in seconds (0: the module's).
fn api_add(uri: &[u8], owner: &[u8], _flags: i32, interval_s: i32, cbs: ForeignCallbacks) -> i32 {
    let interval_ms = (interval_s > 0).then(|| (interval_s as u32).min(u32::MAX / 1000) * 1000);
    match table::add(uri, owner, interval_ms, cbs, true, None) {
        Ok(()) => 0,
        Err(e) => {
            if !e.logged() {
                error!("add_destination({}, {}): {e}", shown(uri), shown(owner));
            }
            -1
        }
    }
}

fn api_state(uri: &[u8]) -> i32 {
    lookup::state_of(uri).unwrap_or(-1)
}

fn api_del(uri: &[u8], owner: &[u8]) -> i32 {
    // API registrations stay on their node
    del_here(uri, owner)
}

fn api_find(uri: &[u8], owner: &[u8]) -> Option<Lent> {
    table::find_view(uri, owner)
}
