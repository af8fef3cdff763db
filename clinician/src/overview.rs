//! The clients page: each client, what they share and since when, how current it is, and the
//! flags a clinician should see first (words of risk in a shared entry, a withdrawal, a share
//! that could not be read, a recent slip).

use chrono::{Duration, FixedOffset, NaiveDate};
use companion_core::share::Category;

use crate::shared::{Client, Content, LocalTime, ShareState};

/// Something to notice about a client, most urgent first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    /// A shared entry holds words of suicide or self-harm (as the client's app recognised them).
    Risk { category: Category, day: NaiveDate },
    /// The client withdrew a category.
    Withdrawn { noticed_ms: i64 },
    /// A share could not be opened or some entries could not be read.
    Unreadable { category: Option<Category> },
    /// A slip in the last 7 days.
    RecentSlip { at: LocalTime },
}

/// One category a client shares (or shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedCategory {
    /// `None` until the share's first update arrives.
    pub category: Option<Category>,
    pub since_ms: i64,
    pub entries: usize,
    pub state: ShareState,
}

/// One row of the clients page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRow {
    pub device_id: String,
    pub categories: Vec<SharedCategory>,
    /// When new data from this client arrived while the dashboard was open (the client's last
    /// sync, as far as the clinician can tell); `None`: nothing new since it opened.
    pub last_update_ms: Option<i64>,
    pub flags: Vec<Flag>,
}

/// The clients page, most recently updated first; clients with a flag of risk come first.
pub fn rows(clients: &[Client], now_ms: i64) -> Vec<ClientRow> {
    let mut rows: Vec<ClientRow> = clients.iter().map(|c| row(c, now_ms)).collect();
    rows.sort_by_key(|r| (!matches!(r.flags.first(), Some(Flag::Risk { .. })), std::cmp::Reverse(r.last_update_ms)));
    rows
}

fn row(c: &Client, now_ms: i64) -> ClientRow {
    let mut categories: Vec<SharedCategory> = c
        .shares
        .iter()
        .map(|s| SharedCategory {
            category: s.category,
            since_ms: s.created_ms,
            entries: s.content.len(),
            state: s.state.clone(),
        })
        .collect();
    categories.sort_by_key(|s| (s.state != ShareState::Live, s.category.map(|c| c as u8)));
    ClientRow {
        device_id: c.device_id.clone(),
        last_update_ms: c.shares.iter().filter_map(|s| s.updated_seen_ms).max(),
        flags: flags(c, now_ms),
        categories,
    }
}

/// A client's flags, most urgent first.
pub fn flags(c: &Client, now_ms: i64) -> Vec<Flag> {
    let week_ago = now_ms - Duration::days(7).num_milliseconds();
    let mut out = Vec::new();
    for s in &c.shares {
        if let ShareState::Withdrawn { noticed_ms } = s.state {
            out.push(Flag::Withdrawn { noticed_ms });
            continue;
        }
        if s.problem.is_some() || !s.unreadable.is_empty() {
            out.push(Flag::Unreadable { category: s.category });
        }
        match &*s.content {
            Content::Notes(v) => out.extend(
                v.iter()
                    .filter(|n| n.risk)
                    .map(|n| Flag::Risk { category: Category::Notes, day: n.occurred.date_naive() }),
            ),
            Content::Slips(v) => {
                out.extend(
                    v.iter()
                        .filter(|x| x.risk)
                        .map(|x| Flag::Risk { category: Category::Slips, day: x.occurred.date_naive() }),
                );
                if let Some(last) = v.iter().map(|x| x.occurred).filter(|t| t.timestamp_millis() >= week_ago).max() {
                    out.push(Flag::RecentSlip { at: last });
                }
            }
            Content::CheckIns(v) => {
                out.extend(v.iter().filter(|x| x.risk).map(|x| Flag::Risk { category: Category::CheckIns, day: x.day }))
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The clinician's own offset now (for times the client's entries do not place).
pub fn local_offset() -> FixedOffset {
    use chrono::Offset;
    chrono::Local::now().offset().fix()
}
