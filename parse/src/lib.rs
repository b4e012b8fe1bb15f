//! The pure parsers of kamailio-rs: what comes from a config, an RPC client or the network
//! is read here, without Kamailio, so every parser is unit-tested and fuzzed (`make fuzz`)
//! as it runs in the server.

pub mod attrs;
pub mod cluster_codec;
pub mod codes;
pub mod dest_uri;
pub mod hostport;
pub mod hrw;
pub mod ipv4;
pub mod rpc_args;
