//! The bundle format end to end: bundles validated and loaded into a fresh
//! database (through `testkit`), as the `seed` command loads them.

mod loader;
mod merge;
