//! `dmq_replicate_adds`: adds, deletes and attribute changes sent to the peers, and those
//! the peers sent applied here.

use super::codec;
use super::throttle::Throttle;
use super::{send_all, Cluster, CLUSTER};

/// Sends a destination added (`add`) or deleted through the config or RPC to the other
/// nodes (`dmq_replicate_adds`); API registrations never come here, nor `_params`.
pub fn replicate(add: bool, uri: &[u8], owner: &[u8]) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    if !c.replicate_adds || owner == crate::table::PARAMS_OWNER {
        return;
    }
    let d = codec::Replicated {
        uri: uri.to_vec(),
        owner: owner.to_vec(),
    };
    match codec::encode_replicated(add, c.id, &d) {
        Some(b) => send_all(c, vec![b], None),
        None => log::warn!("cluster: destination too long to replicate"),
    }
}

/// Cluster mode with `dmq_replicate_adds`: sends an add with attributes (`owner`), or an
/// attribute change (`keepalive.set`: `owner` empty), to the peers, with the attribute
/// string as given here (the peers merge it as this node did).
pub fn replicate_attrs(uri: &[u8], owner: &[u8], text: &[u8]) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    if !c.replicate_adds || owner == crate::table::PARAMS_OWNER {
        return;
    }
    let a = codec::ReplicatedAttrs {
        uri: uri.to_vec(),
        owner: owner.to_vec(),
        text: text.to_vec(),
    };
    match codec::encode_attrs(c.id, &a) {
        Some(b) => send_all(c, vec![b], None),
        None => log::warn!("cluster: attributes too long to replicate"),
    }
}

/// Applies attributes a peer replicated, checked as any attribute string (a `socket` must
/// be one of this node's): with an owner, an add as [`replay`] makes it, then the merge;
/// without, the merge into an existing destination.
pub(super) fn replay_attrs(c: &Cluster, a: &codec::ReplicatedAttrs) {
    static REFUSED: Throttle = Throttle::new();
    if !c.replicate_adds {
        return;
    }
    let uri = String::from_utf8_lossy(&a.uri);
    let patch = match crate::attrs::parse_checked(&a.text) {
        Ok(p) => p,
        Err(e) => {
            REFUSED.warn(format_args!(
                "cluster: replicated attributes of {uri} refused: {e}"
            ));
            return;
        }
    };
    if !a.owner.is_empty() {
        let d = codec::Replicated {
            uri: a.uri.clone(),
            owner: a.owner.clone(),
        };
        replay(c, true, &d);
    }
    match crate::table::set_attrs(&a.uri, &patch) {
        Ok(now) => log::info!("cluster: attributes of {uri} now '{now}' as a peer set them"),
        Err(e) => log::debug!("cluster: replicated attributes of {uri} not applied: {e}"),
    }
}

/// Applies an add or delete replicated by a peer (not sent on again): only what a peer can
/// have sent (never `_params`, never an API registration, never a registration's callbacks).
pub(super) fn replay(c: &Cluster, add: bool, d: &codec::Replicated) {
    static REFUSED: Throttle = Throttle::new();
    if !c.replicate_adds {
        return;
    }
    let uri = String::from_utf8_lossy(&d.uri);
    let owner = String::from_utf8_lossy(&d.owner);
    let r = if add {
        crate::table::add_replicated(&d.uri, &d.owner)
    } else {
        crate::table::del_replicated(&d.uri, &d.owner)
    };
    let what = if add { "add" } else { "delete" };
    match r {
        Ok(true) => log::info!("cluster: {what} of {uri} for {owner} as a peer did"),
        Ok(false) => {}
        Err(e @ crate::table::Error::Protected) => REFUSED.warn(format_args!(
            "cluster: replicated {what} of {uri} for {owner} refused: {e}"
        )),
        Err(e) => log::debug!("cluster: replicated {what} of {uri} not applied: {e}"),
    }
}
