//! The kernel's view of TCP sockets through `sock_diag` netlink (`NETLINK_INET_DIAG` with
//! `INET_DIAG_INFO`, what `ss -ti` reads): one dump for all sockets, no access to the sockets
//! themselves, no privilege needed. Messages are built and parsed by the rust-netlink crates.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_sock_diag::{
    constants::{AF_INET, AF_INET6, IPPROTO_TCP},
    inet::{nlas::Nla, ExtensionFlags, InetRequest, SocketId, StateFlags},
    SockDiagMessage,
};
use netlink_sys::{protocols::NETLINK_SOCK_DIAG, Socket, SocketAddr as NlAddr};

/// One socket's figures (tcp(7) `struct tcp_info` and the diag header's queues).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpFigures {
    /// The kernel's TCP state (`TCP_ESTABLISHED` = 1, ...).
    pub tcp_state: u8,
    pub rtt_us: u32,
    pub rttvar_us: u32,
    /// Retransmissions of the current unacknowledged data (`tcpi_retransmits`).
    pub retransmits: u8,
    pub total_retrans: u32,
    pub lost: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    pub snd_cwnd: u32,
    pub bytes_acked: u64,
    pub bytes_received: u64,
    /// Bytes not yet acknowledged by the peer (sent or not): `ss`'s Send-Q.
    pub send_q: u32,
    /// Bytes received and not yet read by Kamailio: `ss`'s Recv-Q.
    pub recv_q: u32,
    /// Bytes in the send queue not yet sent.
    pub notsent_bytes: u32,
    pub last_data_recv_ms: u32,
}

/// A socket's two ends, as (local, remote).
pub type Ends = (SocketAddr, SocketAddr);

/// An IPv4-mapped IPv6 address as the IPv4 one, so both views of a socket compare equal.
fn canonical(a: SocketAddr) -> SocketAddr {
    match a.ip() {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), a.port()),
            None => a,
        },
        IpAddr::V4(_) => a,
    }
}

/// The figures in `map` (from [`dump`]) of the socket with these ends, however Kamailio
/// writes them (an IPv4 peer on an IPv6 listener: IPv4-mapped).
pub fn find(
    map: &HashMap<Ends, TcpFigures>,
    local: SocketAddr,
    remote: SocketAddr,
) -> Option<&TcpFigures> {
    map.get(&(canonical(local), canonical(remote)))
}

/// The figures of every TCP socket of this network namespace (IPv4 and IPv6), by its ends.
pub fn dump() -> io::Result<HashMap<Ends, TcpFigures>> {
    let mut out = HashMap::new();
    for family in [AF_INET, AF_INET6] {
        query(&open()?, family, SocketId::new_v4(), true, &mut out)?;
    }
    Ok(out)
}

/// The figures of the socket with these ends, if there is one.
pub fn lookup(local: SocketAddr, remote: SocketAddr) -> io::Result<Option<TcpFigures>> {
    Ok(lookup_many(&[(local, remote)])?
        .get(&(canonical(local), canonical(remote)))
        .copied())
}

/// The figures of the sockets with these ends that exist (one exact request each, on one
/// netlink socket: the kernel looks each up in its hash, whatever the number of sockets).
pub fn lookup_many(ends: &[Ends]) -> io::Result<HashMap<Ends, TcpFigures>> {
    let mut out = HashMap::new();
    if ends.is_empty() {
        return Ok(out);
    }
    let socket = open()?;
    for &(local, remote) in ends {
        let (family, id) = match (local, remote) {
            (SocketAddr::V4(_), SocketAddr::V4(_)) => (AF_INET, SocketId::new_v4()),
            _ => (AF_INET6, SocketId::new_v6()),
        };
        let id = SocketId {
            source_port: local.port(),
            destination_port: remote.port(),
            source_address: local.ip(),
            destination_address: remote.ip(),
            // INET_DIAG_NOCOOKIE: any socket with these ends
            cookie: [0xff; 8],
            ..id
        };
        match query(&socket, family, id, false, &mut out) {
            Ok(()) => {}
            // an exact request for a socket that does not exist
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn open() -> io::Result<Socket> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
    socket.bind_auto()?;
    socket.connect(&NlAddr::new(0, 0))?;
    set_recv_timeout(&socket)?;
    Ok(socket)
}

fn query(
    socket: &Socket,
    family: u8,
    socket_id: SocketId,
    dump: bool,
    out: &mut HashMap<Ends, TcpFigures>,
) -> io::Result<()> {
    let mut hdr = NetlinkHeader::default();
    hdr.flags = NLM_F_REQUEST | if dump { NLM_F_DUMP } else { 0 };
    let mut packet = NetlinkMessage::new(
        hdr,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol: IPPROTO_TCP,
            extensions: ExtensionFlags::INFO,
            // every state a connection of Kamailio's table can have a socket in (no listening
            // or TIME_WAIT sockets, of which a busy machine has many)
            states: StateFlags::all()
                - StateFlags::LISTEN
                - StateFlags::TIME_WAIT
                - StateFlags::CLOSE,
            socket_id,
        })
        .into(),
    );
    packet.finalize();
    let mut buf = vec![0; packet.buffer_len()];
    packet.serialize(&mut buf[..]);
    socket.send(&buf[..], 0)?;

    let mut rx = vec![0u8; 64 * 1024];
    loop {
        let n = socket.recv(&mut &mut rx[..], 0)?;
        if n == 0 {
            return Ok(());
        }
        let mut off = 0;
        while off < n {
            let msg = <NetlinkMessage<SockDiagMessage>>::deserialize(&rx[off..n])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let len = msg.header.length as usize;
            match msg.payload {
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r)) => {
                    let id = &r.header.socket_id;
                    let ends = (
                        canonical(SocketAddr::new(id.source_address, id.source_port)),
                        canonical(SocketAddr::new(id.destination_address, id.destination_port)),
                    );
                    let mut f = TcpFigures {
                        tcp_state: r.header.state,
                        send_q: r.header.send_queue,
                        recv_q: r.header.recv_queue,
                        ..TcpFigures::default()
                    };
                    for nla in r.nlas.iter() {
                        if let Nla::TcpInfo(i) = nla {
                            f.rtt_us = i.rtt;
                            f.rttvar_us = i.rttvar;
                            f.retransmits = i.retransmits;
                            f.total_retrans = i.total_retrans;
                            f.lost = i.lost;
                            f.unacked = i.unacked;
                            f.snd_cwnd = i.snd_cwnd;
                            f.bytes_acked = i.bytes_acked;
                            f.bytes_received = i.bytes_received;
                            f.notsent_bytes = i.notsent_bytes;
                            f.last_data_recv_ms = i.last_data_recv;
                        }
                    }
                    out.insert(ends, f);
                }
                NetlinkPayload::Done(_) => return Ok(()),
                NetlinkPayload::Error(e) => {
                    return match e.code {
                        // an acknowledgement (code 0) ends a non-dump request
                        None => Ok(()),
                        Some(c) => Err(io::Error::from_raw_os_error(-c.get())),
                    };
                }
                _ => {}
            }
            // an exact request has one answer
            if !dump {
                return Ok(());
            }
            if len == 0 {
                break;
            }
            off += len;
        }
    }
}

/// Bounds each receive to 2 s, so that a caller (an RPC) can never hang on the kernel.
fn set_recv_timeout(socket: &Socket) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: 2,
        tv_usec: 0,
    };
    // SAFETY: a plain setsockopt with a correctly sized timeval on an open socket we own.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_addresses_compare_as_ipv4() {
        let v4: SocketAddr = "10.1.2.3:5060".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:10.1.2.3]:5060".parse().unwrap();
        let v6: SocketAddr = "[2001:db8::1]:5060".parse().unwrap();
        assert_eq!(canonical(mapped), v4);
        assert_eq!(canonical(v4), v4);
        assert_eq!(canonical(v6), v6);
    }
}
