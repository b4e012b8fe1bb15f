//! The keepalive settings this module last applied to each connection, shared by all
//! processes, so that repeating them costs no socket calls: the core sets keepalive options
//! only when a connection is made, so settings we applied are still in force.

use kamailio::shm_cache::{Begin, ShmCache};
use kamailio::tcp::{Conn, Keepalive, KeepaliveError};
use once_cell::sync::OnceCell;

use crate::error::InitError;

kamailio::shm_safe! {
    /// One connection's applied settings, as the shared cache stores them.
    #[derive(Clone, Copy, PartialEq)]
    struct Applied {
        on: bool,
        idle: i32,
        count: i32,
        interval: i32,
    }
}

impl Applied {
    fn keepalive(self) -> Keepalive {
        self.on.then_some((self.idle, self.count, self.interval))
    }
}

impl From<Keepalive> for Applied {
    fn from(ka: Keepalive) -> Applied {
        let (idle, count, interval) = ka.unwrap_or_default();
        Applied {
            on: ka.is_some(),
            idle,
            count,
            interval,
        }
    }
}

impl From<Applied> for Keepalive {
    fn from(a: Applied) -> Keepalive {
        a.on.then_some((a.idle, a.count, a.interval))
    }
}

/// A connection's keepalive settings when keepalive is on: TCP_KEEPIDLE and TCP_KEEPINTVL
/// in seconds, TCP_KEEPCNT probes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeepaliveParams {
    pub idle: i32,
    pub count: i32,
    pub interval: i32,
}

impl KeepaliveParams {
    /// The core's form of `ka` (`None`: off).
    pub fn to_core(ka: Option<KeepaliveParams>) -> Keepalive {
        ka.map(|p| (p.idle, p.count, p.interval))
    }

    /// `ka` from the core's form.
    pub fn from_core(ka: Keepalive) -> Option<KeepaliveParams> {
        ka.map(|(idle, count, interval)| KeepaliveParams {
            idle,
            count,
            interval,
        })
    }
}

static APPLIED: OnceCell<ShmCache<Applied>> = OnceCell::new();

/// The fewest slots of the record (a connection's slot is its conid modulo their number).
const MIN_SLOTS: usize = 16_384;

/// Slots for connections whose conids span `max` at once (twice that, so that connections
/// made while long-lived ones stay still find their own; at least [`MIN_SLOTS`]).
pub fn slots(max: usize) -> usize {
    max.saturating_mul(2).max(MIN_SLOTS)
}

/// Makes the shared record, sized from the core's connection limits (`tcp_max_connections`
/// + `tls_max_connections`); call in mod_init (before the fork).
pub fn init() -> Result<(), InitError> {
    if APPLIED.get().is_none() {
        let n = slots(Conn::max_connections());
        let _ = APPLIED.set(ShmCache::new(n).map_err(InitError::core)?);
        log::debug!(
            "applied keepalive settings: {} slots",
            n.next_power_of_two()
        );
    }
    Ok(())
}

/// Applies `ka` to `c` unless these very settings were applied to it already (by any
/// process): `Ok(false)` then, `Ok(true)` when the socket was changed. A user timeout this
/// module gave the connection ([`crate::user_timeout::explicit`]) is read and set again in
/// the same socket access, right after the keepalive options (so a `tcp_set_user_timeout`
/// that another process recorded meanwhile is the one kept): the core's
/// keepalive/user-timeout alignment (5.8+) must not replace it.
pub fn apply(c: &Conn, ka: Option<KeepaliveParams>) -> Result<bool, KeepaliveError> {
    let ka = KeepaliveParams::to_core(ka);
    let identity = c.identity();
    let (key, tag) = identity;
    let value = Applied::from(ka);
    let cache = APPLIED.get();
    // the settings in force when known: only the options that differ are set
    let prev = match cache.map(|a| a.begin_from(key, tag, value)) {
        Some(Begin::Skip) => return Ok(false),
        Some(Begin::Run { before }) => before.map(Keepalive::from),
        None => None,
    };
    let r = c.set_socket_options_from(ka, prev, || crate::user_timeout::explicit(identity));
    if let Some(a) = cache {
        // a failure may have applied part of the settings: unknown from now on
        a.end(key, tag, r.is_ok().then_some(value));
    }
    r.map(|()| true)
}

/// The keepalive settings last applied to the connection `identity` (see
/// [`Conn::identity`]), if known (`tcpops.list`): `Some(None)` when they turned it off.
pub fn applied(identity: (u64, u64)) -> Option<Option<KeepaliveParams>> {
    let (key, tag) = identity;
    let a = APPLIED.get()?.peek(key, tag)?;
    Some(KeepaliveParams::from_core(a.keepalive()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn slots_grow_with_the_connection_limit() {
        assert_eq!(super::slots(2_048 + 2_048), 16_384);
        assert_eq!(super::slots(100_000 + 2_048), 204_096);
        assert_eq!(super::slots(usize::MAX), usize::MAX);
    }
}
