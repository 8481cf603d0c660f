//! Policies the compiler accepts: each compiles, with every key, every wildcard and the opt-ins
//! where they take effect, and answers as written. They are ordinary tests rather than trybuild
//! `pass` cases: with one passing case, trybuild builds, links and runs every case instead of only
//! checking it (the compile-fail suite took 12.9 s cold and 4.8 s warm that way, 7.0 s and 1.0 s
//! now).

mod env;
mod every_key;
mod opt_ins;
