//! Module parameters, read once in mod_init.

use kamailio::module::{IntParam, StrParam};
use once_cell::sync::OnceCell;
use std::sync::Mutex;

use crate::codes::Codes;
use crate::error::ConfigError;

pub static PING_INTERVAL: IntParam = IntParam::new(30);
pub static DELETE_COUNTER: IntParam = IntParam::new(5);
pub static PING_FROM: StrParam = StrParam::new();
/// Consecutive failures before a destination is down / successes before it is up.
pub static DOWN_AFTER: IntParam = IntParam::new(1);
pub static UP_AFTER: IntParam = IntParam::new(1);
/// Reply codes that count as alive (default as the C module: 2xx).
pub static ALIVE_CODES: StrParam = StrParam::new();
/// A probe without a final reply after this many ms counts as failed (0: tm's timeout,
/// capped by the destination's interval).
pub static PROBE_TIMEOUT: IntParam = IntParam::new(0);
/// KEMI function run for keepalive:dst-up / keepalive:dst-down instead of the event routes.
pub static EVENT_CALLBACK: StrParam = StrParam::new();
/// 1: remove a destination when probing stops after `delete_counter` failures, unless an
/// API user (another module) registered it.
pub static REMOVE_UNREACHABLE: IntParam = IntParam::new(0);

/// `ping_with_tm`: 1 sends every ping through tm (its UDP retransmissions and timer); 0
/// (default) sends them statelessly where possible (see `stateless.rs`).
pub static PING_WITH_TM: IntParam = IntParam::new(0);
/// Weight of the old RTT estimate in thousandths (dispatcher's
/// `ds_latency_estimator_alpha`): estimate = (alpha * old + (1000 - alpha) * rtt) / 1000.
pub static LATENCY_ALPHA: IntParam = IntParam::new(900);
/// At most this many destinations (0: no limit but the table's); unset (-1): derived from
/// the shm size and the ping mode ([`derived_max`]).
pub static MAX_DESTINATIONS: IntParam = IntParam::new(-1);

/// shm of one destination with stateless pings: measured on 5.6.3 about 253 bytes at 10,000
/// (record with its latency statistics, canonical URI, hash slots; bench "shm per
/// destination"); the table's growth holds an old and a new slot array for a moment, which
/// the 3/4 of shm left to the server ([`SHM_SHARE_DIV`]) absorbs.
pub const DEST_BYTES: u64 = 256;
/// shm of one tm transaction of a ping: measured 8.6 KB on 5.6.3.
pub const TM_TX_BYTES: u64 = 9 * 1024;
/// The derived `max_destinations` gives destinations at most this share of shm (1/4), the
/// rest stays for the server.
pub const SHM_SHARE_DIV: u64 = 4;

/// A `destination` modparam: URI and attribute string.
pub type Initial = (Vec<u8>, Option<Vec<u8>>);

/// Destinations from `modparam("keepalive", "destination", ...)`, added in mod_init.
pub static INITIAL: Mutex<Vec<Initial>> = Mutex::new(Vec::new());

/// Parsed settings, the same in every process (set before the fork).
pub struct Settings {
    pub interval_ms: u32,
    pub delete_counter: u32,
    pub ping_from: Vec<u8>,
    pub down_after: u32,
    pub up_after: u32,
    pub alive: Codes,
    pub probe_timeout_ms: u32,
    pub remove_unreachable: bool,
    /// 0: unlimited.
    pub max_destinations: u32,
    pub ping_with_tm: bool,
    /// `latency_alpha`, 0 to 1000.
    pub latency_alpha: u32,
    /// `latency_threshold` and the level back below it, µs (`None`: no latency events).
    pub latency_levels: Option<(u32, u32)>,
    /// Retransmission intervals of stateless UDP pings (RFC 3261's T1 and T2), ms: tm's
    /// `retr_timer1`/`retr_timer2`, or 500/4000 without tm.
    pub t1_ms: u32,
    pub t2_ms: u32,
}

static SETTINGS: OnceCell<Settings> = OnceCell::new();

pub fn settings() -> &'static Settings {
    SETTINGS.get().expect("keepalive settings read in mod_init")
}

fn positive(name: &'static str, v: i32, min: i32) -> Result<u32, ConfigError> {
    ranged(name, v, min, i32::MAX)
}

fn ranged(name: &'static str, v: i32, min: i32, max: i32) -> Result<u32, ConfigError> {
    if v < min || v > max {
        return Err(ConfigError::OutOfRange {
            name,
            min: min.into(),
            max: max.into(),
            got: v.into(),
        });
    }
    Ok(v as u32)
}

/// Checks and stores the modparams.
pub fn init() -> Result<(), ConfigError> {
    let from = PING_FROM.get();
    let codes = String::from_utf8_lossy(ALIVE_CODES.get()).to_string();
    let s = Settings {
        // kept in ms as a u32
        interval_ms: ranged("ping_interval", PING_INTERVAL.get(), 1, 4_294_967)? * 1000,
        delete_counter: positive("delete_counter", DELETE_COUNTER.get(), 0)?,
        ping_from: if from.is_empty() {
            b"sip:keepalive@kamailio.org".to_vec()
        } else {
            from.to_vec()
        },
        down_after: positive("down_after", DOWN_AFTER.get(), 1)?,
        up_after: ranged("up_after", UP_AFTER.get(), 1, u16::MAX.into())?,
        alive: Codes::parse(if codes.is_empty() { "2xx" } else { &codes })
            .map_err(ConfigError::AliveCodes)?,
        // compared as wrapping µs in a u32
        probe_timeout_ms: ranged("probe_timeout", PROBE_TIMEOUT.get(), 0, 3_600_000)?,
        remove_unreachable: REMOVE_UNREACHABLE.get() != 0,
        max_destinations: 0,
        ping_with_tm: ranged("ping_with_tm", PING_WITH_TM.get(), 0, 1)? == 1,
        latency_alpha: ranged("latency_alpha", LATENCY_ALPHA.get(), 0, 1000)?,
        latency_levels: crate::latency_event::thresholds()?,
        // tm keeps these two in ms (its other timers turn into ticks)
        t1_ms: tm_ms("retr_timer1", 500),
        t2_ms: tm_ms("retr_timer2", 4_000),
    };
    let s = Settings {
        max_destinations: match MAX_DESTINATIONS.get() {
            -1 => {
                let (max, per) = derived_max(&s);
                log::info!(
                    "max_destinations: {max} (derived: 1/{SHM_SHARE_DIV} of shm, {} bytes, \
                     at {per} bytes per destination with {} pings; set the max_destinations \
                     modparam for another limit, 0 for none)",
                    kamailio::shm::size(),
                    if s.ping_with_tm { "tm" } else { "stateless" }
                );
                max
            }
            v => positive("max_destinations", v, 0)?,
        },
        ..s
    };
    let _ = SETTINGS.set(s);
    Ok(())
}

/// The default `max_destinations`: `shm size / SHM_SHARE_DIV / bytes per destination`, and
/// those bytes: [`DEST_BYTES`], plus with tm pings ([`Settings::ping_with_tm`]) the tm
/// transactions an unreachable destination holds: one per ping for tm's `fr_timer` +
/// `wt_timer`, i.e. `(fr_timer + wt_timer) / ping_interval` of them (at least one) of
/// [`TM_TX_BYTES`] each. At least 1, at most what the table holds (4,194,304).
fn derived_max(s: &Settings) -> (u32, u64) {
    let per = if s.ping_with_tm {
        // tm keeps these two in ticks once its mod_init ran (it is loaded, so inited, first)
        let ms = |name: &str, default_ms: u64| {
            kamailio::module::foreign_int_param("tm", name)
                .and_then(|t| u64::try_from(t).ok())
                .map_or(default_ms, kamailio::timer::ticks_to_ms)
        };
        let held_ms = ms("fr_timer", 30_000) + ms("wt_timer", 5_000);
        let tx = (TM_TX_BYTES * held_ms / u64::from(s.interval_ms)).max(TM_TX_BYTES);
        DEST_BYTES + tx
    } else {
        DEST_BYTES
    };
    let max = kamailio::shm::size() / SHM_SHARE_DIV / per;
    (max.clamp(1, kamailio::shm_map::CAPACITY as u64) as u32, per)
}

/// A tm timer parameter kept in ms (at least 10), or `default` without tm.
fn tm_ms(name: &str, default: u32) -> u32 {
    kamailio::module::foreign_int_param("tm", name)
        .and_then(|v| u32::try_from(v).ok())
        .map_or(default, |v| v.max(10))
}

/// The `destination` modparam (`uri`, or `uri;;attributes`): remembered until mod_init.
pub fn add_initial(value: &[u8]) -> Result<(), ConfigError> {
    let (uri, attrs) = match value.windows(2).position(|w| w == b";;") {
        Some(at) => (&value[..at], Some(&value[at + 2..])),
        None => (value, None),
    };
    if let Some(a) = attrs {
        crate::attrs::parse(a).map_err(|err| ConfigError::DestinationAttrs {
            uri: shown(uri),
            err,
        })?;
    }
    crate::dest_uri::Canonical::parse(uri).map_err(|err| ConfigError::Destination {
        uri: shown(uri),
        err,
    })?;
    INITIAL
        .lock()
        .map_err(|_| ConfigError::Poisoned)?
        .push((uri.to_vec(), attrs.map(<[u8]>::to_vec)));
    Ok(())
}

/// A destination as an error shows it: its first 64 bytes.
fn shown(uri: &[u8]) -> String {
    String::from_utf8_lossy(&uri[..uri.len().min(64)]).into_owned()
}
