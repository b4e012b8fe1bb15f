//! Other modules' APIs: the ones we bind to (tm's `load_tm`, dmq's `bind_dmq`) and the one we
//! offer (keepalive's `bind_keepalive`, [`ka_api`]).

pub mod dmq;
pub mod ka_api;
pub mod tm;

pub use dmq::DmqError;
pub use ka_api::BindError;
pub use ka_api::{Client, ForeignCallbacks};
pub use tm::{Reply, TmError};
