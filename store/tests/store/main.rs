//! The store against a real database: connections and synthetic data.

mod nodelay;
mod synth;
