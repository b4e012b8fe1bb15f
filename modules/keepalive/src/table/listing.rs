//! Reading the table: one registration, and the pages of the RPC listings.

use kamailio::shm_map::MapGuard;

use super::locked::Locked;
use super::records::{regs_from, Dest};
use super::{table, Error};
use crate::attrs::Attrs;
use crate::dest_uri::Canonical;

/// One registration as RPC shows it.
pub struct Entry {
    pub uri: String,
    pub owner: String,
    pub state: i32,
    pub dest: Dest,
    /// The destination's attributes (canonical text; empty: none).
    pub attrs: String,
}
/// The attributes of the destination of record `idx` (table locked as `dests`).
pub fn attrs_at(dests: &MapGuard<Dest>, idx: u32) -> Option<Attrs> {
    let a = dests.get(idx).attrs.get()?;
    Some(Attrs::from_text(&table().attrs.lock().key(a)))
}

/// One registration (`owner`'s) of `uri`, if it exists.
pub fn get(uri: &[u8], owner: &[u8]) -> Result<Entry, Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    let l = Locked::new(table());
    let idx = l.dests.find(canon.as_bytes()).ok_or(Error::NotFound)?;
    l.find_reg(idx, canon.as_bytes(), owner)
        .ok_or(Error::NotFound)?;
    Ok(l.entry(idx, owner))
}

impl Locked<'_> {
    fn entry(&self, idx: u32, owner: &[u8]) -> Entry {
        Entry {
            uri: String::from_utf8_lossy(&self.dests.key(idx)).into_owned(),
            owner: String::from_utf8_lossy(owner).into_owned(),
            state: self.dests.status(idx),
            dest: *self.dests.get(idx),
            attrs: self.attrs_of(idx).text(),
        }
    }
}

/// Where a page of a listing stopped: the entry number the next page starts at, the
/// destination it is in and how many of that destination's entries came before it, valid
/// while no destination, registration or owner was added or removed (the maps' versions).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Resume {
    pub next: usize,
    idx: u32,
    within: usize,
    versions: (u64, u64, u64),
}

impl Locked<'_> {
    fn versions(&self) -> (u64, u64, u64) {
        (
            self.dests.version(),
            self.regs.version(),
            self.owners.version(),
        )
    }

    /// The owners of destination `idx`'s registrations, in listing order (the inline one,
    /// then the records).
    fn owners_of(&self, idx: u32) -> Vec<Vec<u8>> {
        let d = self.dests.get(idx);
        let mut v: Vec<Vec<u8>> = d
            .owner
            .get()
            .map(|o| self.owners.key(o))
            .into_iter()
            .collect();
        for (ri, _) in regs_from(&self.regs, d.first_reg) {
            let rk = self.regs.key(ri);
            let cut = rk.iter().position(|&b| b == 0).map_or(rk.len(), |c| c + 1);
            v.push(rk[cut..].to_vec());
        }
        v
    }

    /// Entries `offset..offset + limit` of a listing in table order, each destination giving
    /// `entries(idx)` of them (owners); from `resume` when it is where the page before
    /// stopped and the table is unchanged since (no walk to the offset), and with the total
    /// only when `count` (else the walk stops at the page's end). Returns the entries, the
    /// total (when counted) and where this page stopped.
    fn page(
        &self,
        offset: usize,
        limit: usize,
        count: bool,
        resume: Option<Resume>,
        entries: impl Fn(&Self, u32) -> Vec<Vec<u8>>,
    ) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
        let versions = self.versions();
        let (from, mut within, mut n) = match resume {
            Some(r) if r.next == offset && r.versions == versions => (r.idx, r.within, offset),
            _ => (0, 0, 0),
        };
        let end = offset.saturating_add(limit);
        let mut out = Vec::new();
        let mut stopped = None;
        'walk: for idx in self.dests.live_from(from) {
            let owners = entries(self, idx);
            let skip = std::mem::take(&mut within);
            if n + owners.len().saturating_sub(skip) <= offset && !count {
                n += owners.len().saturating_sub(skip);
                continue;
            }
            for (j, o) in owners.iter().enumerate().skip(skip) {
                if n >= offset && n < end {
                    out.push(self.entry(idx, o));
                }
                n += 1;
                if n == end && !count {
                    stopped = Some(Resume {
                        next: end,
                        idx,
                        within: j + 1,
                        versions,
                    });
                    break 'walk;
                }
            }
        }
        (out, count.then_some(n), stopped)
    }
}

/// Registrations `offset..offset + limit` in table order (one entry each; see
/// [`Locked::page`] for `count` and `resume`).
pub fn list_page(
    offset: usize,
    limit: usize,
    count: bool,
    resume: Option<Resume>,
) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
    let l = Locked::new(table());
    l.page(offset, limit, count, resume, Locked::owners_of)
}

/// Destinations `offset..offset + limit` in table order (`owner` empty; see
/// [`Locked::page`] for `count` and `resume`).
pub fn dest_page(
    offset: usize,
    limit: usize,
    count: bool,
    resume: Option<Resume>,
) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
    let l = Locked::new(table());
    l.page(offset, limit, count, resume, |_, _| vec![Vec::new()])
}

/// The first `limit` registrations of `owner` (`None`: all) in table order, and how many
/// registrations of it there are.
pub fn owner_page(owner: Option<&[u8]>, limit: usize) -> (Vec<Entry>, usize) {
    let l = Locked::new(table());
    let (out, total, _) = l.page(0, limit, true, None, |l, idx| {
        let mut v = l.owners_of(idx);
        v.retain(|o| owner.is_none_or(|w| w == o.as_slice()));
        v
    });
    (out, total.unwrap_or(0))
}
