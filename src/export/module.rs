//! Declaring a module: the `exports` table, version symbols, modparams, cfg functions, PVs,
//! RPC methods, KEMI exports and the init/child_init/destroy hooks. See [`crate::module!`].

use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_uint, c_void, CString};

use once_cell::sync::OnceCell;

use crate::export::cfg::Fixup;
use crate::export::kemi::KemiDef;
use crate::export::pv::PvDef;
use crate::ffi_guard::guard;
use crate::rpc::RpcDef;
use crate::stats::Stat;
use crate::sys;

/// A cfg function export (made by [`crate::cmd!`]).
pub struct Cmd {
    name: &'static str,
    func: *const (),
    params: u8,
    fixup: Fixup,
    flags: u32,
}

impl Cmd {
    /// # Safety
    /// `func` is a cfg function (`int (*)(sip_msg *, char *, char *, ...)`) that takes
    /// `params` parameters prepared by `fixup` (what [`crate::cmd!`] generates).
    #[doc(hidden)]
    pub unsafe fn new(
        name: &'static str,
        func: *const (),
        params: u8,
        fixup: Fixup,
        flags: u32,
    ) -> Self {
        Cmd {
            name,
            func,
            params,
            fixup,
            flags,
        }
    }
}

/// An integer modparam: Kamailio writes it before `mod_init`; read it with [`IntParam::get`].
#[repr(transparent)]
pub struct IntParam(UnsafeCell<c_int>);
// SAFETY: written only by Kamailio's single-threaded config parsing before mod_init;
// each process reads its own copy afterwards.
unsafe impl Sync for IntParam {}

impl IntParam {
    pub const fn new(default: i32) -> Self {
        IntParam(UnsafeCell::new(default))
    }
    pub fn get(&self) -> i32 {
        // SAFETY: see the Sync impl: no write races a read.
        unsafe { *self.0.get() }
    }
}

/// A string modparam (`PARAM_STR`): Kamailio stores a pkg copy of the value.
#[repr(transparent)]
pub struct StrParam(UnsafeCell<sys::str_>);
// SAFETY: as for IntParam.
unsafe impl Sync for StrParam {}

impl StrParam {
    pub const fn new() -> Self {
        StrParam(UnsafeCell::new(sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        }))
    }
    /// The value, or an empty slice if unset.
    pub fn get(&self) -> &'static [u8] {
        // SAFETY: the core keeps the value it stored for the life of the process.
        unsafe { crate::str::str_bytes(&*self.0.get()) }
    }
}

impl Default for StrParam {
    fn default() -> Self {
        Self::new()
    }
}

/// A modparam that calls a function for each `modparam(...)` line (repeatable params).
pub struct FuncParam {
    name: &'static str,
    ty: u32,
    func: *const (),
}

impl FuncParam {
    /// # Safety
    /// `func` is a modparam function (`int (*)(modparam_t, void *)`) for a string value
    /// (what [`crate::func_param!`] generates).
    #[doc(hidden)]
    pub unsafe fn new(name: &'static str, func: *const ()) -> Self {
        // SAFETY: a constant defined by the shim.
        let use_func = unsafe { sys::krs_param_use_func };
        FuncParam {
            name,
            ty: sys::PARAM_STRING | use_func,
            func,
        }
    }
}

/// A modparam of any of the kinds above.
pub enum Param {
    Int(&'static str, &'static IntParam),
    Str(&'static str, &'static StrParam),
    Func(FuncParam),
}

/// What a module's set-up hook (mod_init, child_init, a function modparam) fails with: the
/// module's own error, whatever its type; the core is told -1 and the log gets its message.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Everything a module exports; built once, in `mod_register`.
pub struct ModuleDef {
    pub name: &'static str,
    pub cmds: Vec<Cmd>,
    pub params: Vec<Param>,
    pub pvs: Vec<PvDef>,
    pub rpcs: Vec<RpcDef>,
    pub kemi: Vec<KemiDef>,
    /// Statistics (group = the module's name), registered just before `init` runs.
    pub stats: Vec<Stat>,
    /// mod_init: runs once in the main process before the fork.
    pub init: fn() -> Result<(), HookError>,
    /// child_init: runs in every process after the fork, with its rank.
    pub child_init: fn(i32) -> Result<(), HookError>,
    /// mod_destroy: runs at shutdown in the main process.
    pub destroy: fn(),
    /// The module's reply hook (`response_f`), in the exports from load time on; it
    /// decides at run time which replies are its own (see [`crate::send::ReplyHook`]).
    pub reply_hook: Option<crate::send::ReplyHook>,
}

impl ModuleDef {
    /// A module with no exports and no-op hooks, to fill with struct update syntax.
    pub fn new(name: &'static str) -> Self {
        ModuleDef {
            name,
            cmds: Vec::new(),
            params: Vec::new(),
            pvs: Vec::new(),
            rpcs: Vec::new(),
            kemi: Vec::new(),
            stats: Vec::new(),
            init: || Ok(()),
            child_init: |_| Ok(()),
            destroy: || {},
            reply_hook: None,
        }
    }
}

/// The `exports` symbol Kamailio looks up; filled by [`register`].
#[repr(transparent)]
pub struct Exports(UnsafeCell<sys::module_exports>);
// SAFETY: written once in mod_register, before Kamailio reads it, in a single thread.
unsafe impl Sync for Exports {}

impl Exports {
    pub const fn new() -> Self {
        // SAFETY: module_exports is plain C data; all-zero means "nothing exported".
        Exports(UnsafeCell::new(unsafe { std::mem::zeroed() }))
    }
}

impl Default for Exports {
    fn default() -> Self {
        Self::new()
    }
}

/// A `char *` symbol (module_version, module_flags).
#[repr(transparent)]
pub struct CStrPtr(pub *const c_char);
// SAFETY: points to immutable static data.
unsafe impl Sync for CStrPtr {}

struct Hooks {
    name: &'static str,
    stats: Vec<Stat>,
    init: fn() -> Result<(), HookError>,
    child_init: fn(i32) -> Result<(), HookError>,
    destroy: fn(),
}

static HOOKS: OnceCell<Hooks> = OnceCell::new();

fn leak_cstr(s: &str) -> *mut c_char {
    Box::leak(format!("{s}\0").into_boxed_str())
        .as_mut_ptr()
        .cast()
}

fn leak_table<T>(mut v: Vec<T>, terminator: T) -> *mut T {
    v.push(terminator);
    Box::leak(v.into_boxed_slice()).as_mut_ptr()
}

/// The cfg function table (`cmds`), terminated.
fn cmd_table(cmds: &[Cmd]) -> *mut sys::cmd_export_t {
    let cmds: Vec<sys::cmd_export_t> = cmds
        .iter()
        .map(|c| {
            let (fixup, free_fixup) = c.fixup.functions();
            sys::cmd_export_t {
                name: leak_cstr(c.name),
                // SAFETY: the core calls a cmd function with as many parameters as
                // `param_no` says, which is the arity the trampoline was generated with
                // (`Cmd::new`'s contract).
                function: unsafe { std::mem::transmute::<*const (), sys::cmd_function>(c.func) },
                param_no: c.params as c_int,
                fixup,
                free_fixup,
                flags: c.flags as c_uint,
            }
        })
        .collect();
    // SAFETY: an all-zero cmd_export_t is the table terminator.
    leak_table(cmds, unsafe { std::mem::zeroed() })
}

/// The modparam table, terminated.
fn param_table(params: &[Param]) -> *mut sys::param_export_t {
    let params: Vec<sys::param_export_t> = params
        .iter()
        .map(|p| {
            let (name, ty, ptr): (&str, u32, *mut c_void) = match p {
                Param::Int(n, v) => (n, sys::PARAM_INT, v.0.get().cast()),
                Param::Str(n, v) => (n, sys::PARAM_STR, v.0.get().cast()),
                Param::Func(f) => (f.name, f.ty, f.func as *mut c_void),
            };
            sys::param_export_t {
                name: leak_cstr(name),
                type_: ty as _,
                param_pointer: ptr,
            }
        })
        .collect();
    // SAFETY: an all-zero param_export_t is the table terminator.
    leak_table(params, unsafe { std::mem::zeroed() })
}

/// The pseudo-variable table, terminated.
fn pv_table(pvs: &[PvDef]) -> *mut sys::pv_export_t {
    let pvs: Vec<sys::pv_export_t> = pvs
        .iter()
        .map(|p| {
            // SAFETY: all-zero is an empty pv_export_t; the fields set below are the
            // trampolines generated by `pv!` with the core's getf/parse_name signatures.
            unsafe {
                let mut e: sys::pv_export_t = std::mem::zeroed();
                e.name = crate::str::static_str(p.name);
                e.type_ = sys::PVT_CONTEXT as _;
                e.getf = std::mem::transmute::<*const (), sys::pv_getf_t>(p.get);
                e.parse_name = std::mem::transmute::<*const (), sys::pv_parse_name_f>(p.parse);
                e
            }
        })
        .collect();
    // SAFETY: an all-zero pv_export_t is the table terminator.
    leak_table(pvs, unsafe { std::mem::zeroed() })
}

/// Registers the KEMI exports with the core (none: nothing to do).
fn register_kemi(module: &'static str, kemi: &[KemiDef]) -> Result<(), ()> {
    if kemi.is_empty() {
        return Ok(());
    }
    let items: Vec<sys::sr_kemi_t> = kemi.iter().map(|k| k.to_raw(module)).collect();
    // SAFETY: an all-zero sr_kemi_t is the table terminator.
    let items = leak_table(items, unsafe { std::mem::zeroed() });
    // SAFETY: the table is leaked, so it lives as long as the process.
    if unsafe { sys::sr_kemi_modules_add(items) } != 0 {
        ::log::error!("cannot register the KEMI exports");
        return Err(());
    }
    Ok(())
}

/// Implements `mod_register` for [`crate::module!`]: builds the C tables and fills `exports`.
///
/// # Safety
/// Called once, by the core's `mod_register` call, before the core reads `exports`.
#[doc(hidden)]
pub unsafe fn register(exports: &'static Exports, def: fn() -> ModuleDef) -> i32 {
    guard("mod_register", -1, || {
        let d = def();
        crate::log::init(d.name);
        crate::ffi_guard::install_panic_hook();
        let cmds = cmd_table(&d.cmds);
        let params = param_table(&d.params);
        let pvs = pv_table(&d.pvs);
        let rpcs = crate::rpc::table(&d.rpcs);

        if register_kemi(d.name, &d.kemi).is_err() {
            return -1;
        }

        let _ = HOOKS.set(Hooks {
            name: d.name,
            stats: d.stats,
            init: d.init,
            child_init: d.child_init,
            destroy: d.destroy,
        });
        // SAFETY: mod_register runs once, before Kamailio reads `exports`.
        unsafe {
            *exports.0.get() = sys::module_exports {
                name: leak_cstr(d.name),
                dlflags: sys::DEFAULT_DLFLAGS,
                cmds,
                params,
                rpc_methods: rpcs,
                pv_items: pvs,
                response_f: d.reply_hook.map(|f| {
                    crate::send::set_reply_hook(f);
                    crate::send::response_tramp as unsafe extern "C" fn(*mut sys::sip_msg) -> c_int
                }),
                init_mod_f: Some(mod_init),
                init_child_f: Some(child_init),
                destroy_mod_f: Some(destroy),
            };
        }
        0
    })
}

extern "C" fn mod_init() -> c_int {
    guard("mod_init", -1, || match HOOKS.get() {
        Some(h) => match crate::stats::register(h.name, &h.stats)
            .map_err(HookError::from)
            .and_then(|()| (h.init)())
        {
            Ok(()) => 0,
            Err(e) => {
                ::log::error!("{}: initialization failed: {e}", h.name);
                -1
            }
        },
        None => -1,
    })
}

extern "C" fn child_init(rank: c_int) -> c_int {
    crate::process::set_rank(rank);
    guard("child_init", -1, || match HOOKS.get() {
        Some(h) => match (h.child_init)(rank) {
            Ok(()) => 0,
            Err(e) => {
                ::log::error!("{}: child initialization (rank {rank}) failed: {e}", h.name);
                -1
            }
        },
        None => -1,
    })
}

extern "C" fn destroy() {
    guard("mod_destroy", (), || {
        if let Some(h) = HOOKS.get() {
            (h.destroy)()
        }
    })
}

/// Declares a Kamailio module in a cdylib: `kamailio::module!(build_fn);` where
/// `build_fn: fn() -> ModuleDef`. Emits `exports`, `module_version`, `module_flags`,
/// `module_interface_ver` and `mod_register`.
#[macro_export]
macro_rules! module {
    ($def:path) => {
        #[allow(unsafe_code, non_upper_case_globals)]
        #[no_mangle]
        pub static exports: $crate::export::module::Exports =
            $crate::export::module::Exports::new();

        #[allow(unsafe_code, non_upper_case_globals)]
        #[no_mangle]
        pub static module_version: $crate::export::module::CStrPtr =
            $crate::export::module::CStrPtr($crate::FULL_VERSION.as_ptr().cast());

        #[allow(unsafe_code, non_upper_case_globals)]
        #[no_mangle]
        pub static module_flags: $crate::export::module::CStrPtr =
            $crate::export::module::CStrPtr($crate::COMPILE_FLAGS.as_ptr().cast());

        #[allow(unsafe_code, non_upper_case_globals)]
        #[no_mangle]
        pub static module_interface_ver: ::std::ffi::c_uint = $crate::sys::MODULE_INTERFACE_VER;

        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn mod_register(
            _path: *mut ::std::ffi::c_char,
            _dlflags: *mut ::std::ffi::c_int,
            _p1: *mut ::std::ffi::c_void,
            _p2: *mut ::std::ffi::c_void,
        ) -> ::std::ffi::c_int {
            // SAFETY: the core calls mod_register once, before it reads `exports`.
            unsafe { $crate::export::module::register(&exports, $def) }
        }
    };
}

/// Declares a function modparam: `func_param!("destination", Str, handler)` where the handler
/// is `fn(&[u8]) -> Result<(), HookError>`, called once per `modparam` line (the only kind
/// either module needs: string values).
#[macro_export]
macro_rules! func_param {
    ($name:literal, Str, $handler:path) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            _ty: ::std::ffi::c_uint,
            val: *mut ::std::ffi::c_void,
        ) -> ::std::ffi::c_int {
            // SAFETY: for PARAM_STRING the core passes a NUL-terminated string.
            unsafe { $crate::export::module::call_str_param($name, val, $handler) }
        }
        // SAFETY: `tramp` is a modparam function for a string value.
        #[allow(unsafe_code)]
        let f = unsafe { $crate::export::module::FuncParam::new($name, tramp as *const ()) };
        $crate::export::module::Param::Func(f)
    }};
}

/// Runs a string function-modparam handler.
///
/// # Safety
/// `val` is NULL or a NUL-terminated string.
#[doc(hidden)]
pub unsafe fn call_str_param(
    name: &str,
    val: *mut c_void,
    f: fn(&[u8]) -> Result<(), HookError>,
) -> c_int {
    guard(name, -1, || {
        if val.is_null() {
            return -1;
        }
        // SAFETY: guaranteed by the caller.
        let s = unsafe { std::ffi::CStr::from_ptr(val.cast()) };
        match f(s.to_bytes()) {
            Ok(()) => 0,
            Err(e) => {
                ::log::error!("modparam {name}: {e}");
                -1
            }
        }
    })
}

/// An int modparam of another loaded module (`None` if the module or parameter is not
/// there), as the module keeps it now: some modules convert theirs in their mod_init (ctl
/// its sizes from KiB to bytes, tm some timers from ms to ticks), which runs in load order.
pub fn foreign_int_param(module: &str, name: &str) -> Option<i32> {
    let m = CString::new(module).ok()?;
    let n = CString::new(name).ok()?;
    // SAFETY: looks a module up by its NUL-terminated name in the core's list.
    let md = unsafe { sys::find_module_by_name(m.as_ptr() as *mut c_char) };
    if md.is_null() {
        return None;
    }
    let mut ty: sys::modparam_t = 0;
    // SAFETY: looks the parameter up in that module's export table; an int parameter's
    // pointer is the module's own `int` variable.
    let p = unsafe {
        sys::find_param_export(md, n.as_ptr() as *mut c_char, sys::PARAM_INT as _, &mut ty)
    };
    if p.is_null() {
        return None;
    }
    // SAFETY: an int modparam points to an int the module owns for its whole life.
    Some(unsafe { std::ptr::read_volatile(p as *const c_int) })
}
