//! What differs between the Kamailio releases this crate builds against (5.6 to 6.1), in one
//! place. The bindings follow the headers of the release found at build time, so layouts
//! (`tcp_connection`, `tcp_req`, `socket_info`, `tm_binds`, `tcp_closed_event_info_t`, which
//! gained `id` in 6.0 before `con`) need nothing here. What the Rust code must bridge:
//!
//! - integer fields whose C type changed: `sip_msg.msg_flags` (`unsigned int` up to 5.7, a
//!   64-bit `msg_flags_t` from 5.8, with `1ULL << n` flags from 6.0), `pv_value_t.ri` (`int`
//!   in 5.6, `long` in 6.0) and `uac_req_t.cb_flags` (`int`, `unsigned int` from 6.0). The
//!   functions below take whichever type the bindings give, so no release needs its own path
//!   (`cb_flags` is a plain `as _` cast in modapi/tm.rs).
//! - `TCP_USER_TIMEOUT`, set by the core on its listening sockets from 5.8 on, and from 6.0.2
//!   on also on each connection it opens (`init_sock_opt` in tcp_main.c, when it connects):
//!   detected per socket at run time where keepalive is applied (`user_timeout::align`).
//!   What a connection Kamailio opened started with is not on any socket tcpops can read
//!   cheaply, so it comes from the release, read at build time: [`CORE_OUTBOUND_USER_TIMEOUT`]
//!   (the one build probe so far; no header tells, the meaning of `tcp_send_timeout` changed).
//!
//! - the connection table's fields that `tcpops.list` reports are copied by shim functions
//!   (`krs_tcp_table_probe`, `krs_tcp_table_rows`) compiled against the release's own
//!   headers, so the 6.0 layout of `tcp_connection` needs nothing in Rust; the user timeout the core puts on its listening
//!   sockets (5.8+) is read from the sockets at start-up (`user_timeout::listen_value`).
//!
//! - dmq's API (`dmq_api_t`, `dmq_peer_t`, `peer_reponse_t`, `dmq_resp_cback_t`, bound in
//!   modapi/dmq.rs) is the same in 5.6.3 and 6.0.1 (checked: `git diff 5.6.3 6.0.1` of
//!   src/modules/dmq/{bind_dmq,peer,dmq_funcs}.h changes formatting only); `dmq_node_t` stays
//!   opaque, so its layout does not matter. Its behaviour differs: 6.0 looks a node up by IP
//!   address when the URI does not match, so the nodes of a cluster need distinct IP
//!   addresses (modules/keepalive/README.md, "Cluster mode"); nothing to bridge in code.
//!
//! - `SREV_TCP_CLOSED`: one callback slot up to 6.0 (a second module's registration fails),
//!   several from 6.1 (each runs, in registration order). `event::on_tcp_closed` registers
//!   through the core's own function either way: it never replaces another module's callback.
//!
//! Build-time facts about the release come from build.rs as `KAMAILIO_*` environment
//! variables read only here.

/// Whether the core sets `TCP_USER_TIMEOUT` (`tcp_send_timeout`) on the connections it opens:
/// 6.0.2 and later (5.8 to 6.0.1 set it on listening sockets only, which accepted connections
/// inherit).
pub(crate) const CORE_OUTBOUND_USER_TIMEOUT: bool =
    matches!(env!("KAMAILIO_OUTBOUND_USER_TIMEOUT").as_bytes(), b"1");

/// `word` with `flag` set (`on`) or cleared, whatever the width of the flags field.
pub(crate) fn with_flag<T: Copy + Into<u64> + TryFrom<u64>>(word: T, flag: u64, on: bool) -> T {
    let w: u64 = word.into();
    let w = if on { w | flag } else { w & !flag };
    // a flag too wide for the field cannot be one of its flags: the word stays as it is
    T::try_from(w).unwrap_or(word)
}

/// A variable's integer (`pv_value_t.ri`, `int` or `long`) as an `i32`, if it fits.
pub(crate) fn pv_int<T: Into<i64>>(ri: T) -> Option<i32> {
    i32::try_from(ri.into()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_of_either_width() {
        assert_eq!(with_flag(0u32, 1 << 3, true), 8u32);
        assert_eq!(with_flag(0xffu32, 1 << 3, false), 0xf7u32);
        assert_eq!(with_flag(1u32, 1 << 40, true), 1u32, "too wide: unchanged");
        assert_eq!(with_flag(1u64, 1 << 40, true), (1u64 << 40) | 1);
    }

    #[test]
    fn pv_ints_that_fit() {
        assert_eq!(pv_int(-5i32), Some(-5));
        assert_eq!(pv_int(4_294_967_297i64), None);
        assert_eq!(pv_int(i64::from(i32::MIN)), Some(i32::MIN));
    }
}
