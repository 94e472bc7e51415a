//! Code shared by the integration tests. Each test binary includes it with `mod common;`
//! and uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod rulegen;
