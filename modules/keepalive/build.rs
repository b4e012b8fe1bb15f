//! Bind the module's own symbols to itself.
//!
//! Modules such as app_lua ask Kamailio to load them with RTLD_GLOBAL, which puts
//! their `exports` into the global scope. Without -Bsymbolic our code would resolve
//! `exports` to theirs, fill *their* table in `mod_register` and leave ours empty.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-Bsymbolic");
}
