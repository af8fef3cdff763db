//! UniFFI custom types for core values that cross the FFI as plain text (only with the
//! `uniffi` feature). Records and enums derive their UniFFI traits where they are defined.
//!
//! - [`RecordId`] crosses as its 26-character Crockford base32 text.
//! - [`chrono::NaiveDate`] (a local calendar day) crosses as ISO 8601 `YYYY-MM-DD`; the
//!   bindings' `uniffi.toml` maps it to `java.time.LocalDate` in Kotlin and `datetime.date`
//!   in Python.
//!
//! A malformed value coming from a foreign caller fails to lift with an error naming the
//! field; the bindings accept ids as `String` arguments where a typed error matters.

use chrono::NaiveDate;

use crate::error::Error;
use crate::id::RecordId;

uniffi::custom_type!(RecordId, String, {
    lower: |id| id.to_text(),
    try_lift: |text| Ok(RecordId::parse(&text)?),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |day| day.format("%Y-%m-%d").to_string(),
    try_lift: |text| NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| Error::invalid("date", "use a date such as 2026-03-29").into()),
});
