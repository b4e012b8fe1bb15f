//! The destination table in shm: one probed destination per canonical URI, each with the
//! registrations (owner, callbacks) that asked for it.
//!
//! Memory per destination is kept small: the first registration without callbacks (from
//! the config, RPC or `destination`, the common case) is inline in [`Dest`] as an interned
//! owner; only API registrations and further owners get a [`Reg`] record.

mod api;
mod edit;
mod error;
mod listing;
mod locked;
mod records;

use kamailio::shm_map::ShmMap;
use once_cell::sync::OnceCell;

use crate::error::CoreError;

pub use api::{api_lock, api_unlock, find_view};
pub use edit::{
    add, add_replicated, del, del_replicated, flush, remove_unreachable, reset_stats, set_attrs,
};
pub use error::Error;
pub use listing::{attrs_at, dest_page, get, list_page, owner_page, Entry, Resume};
pub use records::{regs_from, Dest, Reg};

/// Delay of the first ping after a destination is added (as the C module).
pub const FIRST_PING_MS: u64 = 500;

/// The owner of the destinations from the `destination` modparam.
pub const PARAMS_OWNER: &[u8] = b"_params";
pub struct Table {
    pub dests: ShmMap<Dest>,
    pub regs: ShmMap<Reg>,
    /// Interned owner names of inline registrations, with their reference counts.
    owners: ShmMap<u32>,
    /// Interned canonical attribute texts ([`crate::attrs`]), with their reference counts.
    pub attrs: ShmMap<u32>,
}

static TABLE: OnceCell<Table> = OnceCell::new();

pub fn init() -> Result<(), CoreError> {
    let t = Table {
        dests: ShmMap::new().map_err(CoreError::of)?,
        regs: ShmMap::new().map_err(CoreError::of)?,
        owners: ShmMap::new().map_err(CoreError::of)?,
        attrs: ShmMap::new().map_err(CoreError::of)?,
    };
    let _ = TABLE.set(t);
    Ok(())
}

pub fn table() -> &'static Table {
    TABLE.get().expect("keepalive table made in mod_init")
}

/// Unix time in seconds (as stored in [`Dest`]).
pub fn now_unix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}
