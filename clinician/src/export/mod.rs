//! Exports of a client's page for the health record: FHIR R4 JSON and CSV per block. Both are
//! built from the page's [`crate::report::Report`], so they hold what the page shows and never
//! more than the client shares.

pub mod csv;
pub mod fhir;
