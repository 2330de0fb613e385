//! Async client for the Polar API. The endpoint layer arrives with issue 2/6;
//! until then this crate re-exports the models.

pub use polar_models as models;
