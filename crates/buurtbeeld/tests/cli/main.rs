//! The integration tests of buurtbeeld: one binary, driving the real `buurtbeeld` executable on
//! temporary data directories.

mod architecture;
mod browser;
mod crosswalk;
mod effect;
mod fetch;
mod forecast;
mod formats;
mod harness;
mod hotspots;
mod import_real;
mod malformed;
mod peers;
mod periods;
mod picture;
mod plan;
mod registrations;
mod replay;
mod serve;
mod snapshots;
