//! Frozen building blocks shared by many payloads. Like every payload type they never change
//! shape (see [`super::record`]): a payload that needs another shape gets a new type.

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::time::LocalStamp;

/// A [`LocalStamp`] as stored: UTC milliseconds, the offset in seconds where it happened, and
/// the zone name when known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct StampV1 {
    pub utc_ms: i64,
    pub offset_secs: i32,
    pub zone: Option<String>,
}

impl From<&LocalStamp> for StampV1 {
    fn from(s: &LocalStamp) -> Self {
        StampV1 { utc_ms: s.utc_ms, offset_secs: s.offset_secs, zone: s.zone.clone() }
    }
}

impl From<StampV1> for LocalStamp {
    fn from(s: StampV1) -> Self {
        LocalStamp { utc_ms: s.utc_ms, offset_secs: s.offset_secs, zone: s.zone }
    }
}

/// The borrowing twin of [`StampV1`] (same fields, same order, so the same bytes decode as
/// either), for scans that read thousands of records and need only the instant and the day.
#[derive(Clone, Copy, Deserialize)]
pub(crate) struct StampRefV1<'a> {
    pub utc_ms: i64,
    pub offset_secs: i32,
    #[serde(borrow)]
    #[allow(dead_code)]
    pub zone: Option<&'a str>,
}

impl StampRefV1<'_> {
    /// The calendar day where it happened (as [`LocalStamp::local_date`]).
    pub fn local_date(&self) -> NaiveDate {
        let secs = self.utc_ms.div_euclid(1000) + i64::from(self.offset_secs);
        DateTime::from_timestamp(secs, 0).unwrap_or_default().date_naive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::clock::Zone;

    #[test]
    fn borrowed_stamps_agree_with_owned_ones() {
        let z = Zone::parse("America/New_York").unwrap();
        for ms in [0i64, 1_781_000_000_000, 1_781_035_199_999, -86_400_001] {
            let s = LocalStamp::at(DateTime::from_timestamp_millis(ms).unwrap(), &z);
            let bytes = postcard::to_stdvec(&StampV1::from(&s)).unwrap();
            let r: StampRefV1<'_> = postcard::from_bytes(&bytes).unwrap();
            assert_eq!((r.utc_ms, r.local_date()), (s.utc_ms, s.local_date()));
            let back: StampV1 = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(LocalStamp::from(back), s);
        }
    }
}
