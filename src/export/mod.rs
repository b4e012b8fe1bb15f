//! What a module exports to the core: the module declaration and its modparams
//! ([`mod@module`]), cfg functions and their parameters ([`mod@cfg`], [`cfg_const`]), KEMI
//! functions ([`mod@kemi`]) and pseudo-variables ([`mod@pv`]).

pub mod cfg;
pub mod cfg_const;
pub mod kemi;
pub mod module;
pub mod pv;

pub use cfg::{routes, LitStr, PvName};
pub use module::{HookError, IntParam, ModuleDef, Param, StrParam};
pub use pv::{PvTarget, PvValue};
