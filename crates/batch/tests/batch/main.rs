//! The batch format's tests: the byte-exact test vector and properties of
//! sealing and opening.
#![allow(clippy::unwrap_used)]

mod batch_props;
mod batch_vector;
