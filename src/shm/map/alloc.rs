//! Allocation under the lock: records (reused from the free list), key blocks in the arena
//! (a free list per size), and growing the slot array.

use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::key::slot_value;
use super::write::MapGuard;
use super::{
    InsertError, Record, ShmSafe, Slots, ARENA_CHUNK, CHUNK, EMPTY, MAX_ARENA_CHUNKS, MAX_CHUNKS,
};
use crate::shm;

pub(super) fn alloc_slots(cap: u64) -> Option<NonNull<Slots>> {
    let size = size_of::<Slots>() + cap as usize * size_of::<AtomicU32>();
    let p = shm::alloc_zeroed(size)?.cast::<Slots>();
    // SAFETY: a fresh zeroed block big enough for the header; zero slots are EMPTY.
    unsafe { (*p.as_ptr()).mask = cap - 1 };
    Some(p)
}

impl<V: ShmSafe> MapGuard<'_, V> {
    pub(super) fn alloc_record(&mut self) -> Option<u32> {
        let h = self.h();
        // SAFETY: lock held for all the counters below.
        unsafe {
            let head = *h.free_head.get();
            if head != 0 {
                let idx = head - 1;
                *h.free_head.get() = self.rec(idx).key_at.load(Ordering::Relaxed);
                return Some(idx);
            }
            let idx = *h.used.get();
            let c = idx as usize / CHUNK;
            if c >= MAX_CHUNKS {
                return None;
            }
            if h.chunks[c].load(Ordering::Relaxed).is_null() {
                let p = shm::alloc_zeroed(CHUNK * size_of::<Record<V>>())?;
                h.chunks[c].store(p.as_ptr(), Ordering::Release);
            }
            *h.used.get() = idx + 1;
            Some(idx)
        }
    }

    /// A key block of `words` words (1..=KEY_CLASSES): a freed one of that size, else the
    /// next words of the arena (a block never spans two chunks).
    pub(super) fn alloc_block(&mut self, words: usize) -> Option<u32> {
        let h = self.h();
        // SAFETY: lock held for the free lists and the bump pointer.
        unsafe {
            let head = *h.key_free[words - 1].get();
            if head != 0 {
                let at = head - 1;
                let first = &self.map.block(at, 1)?[0];
                *h.key_free[words - 1].get() = first.load(Ordering::Relaxed) as u32;
                return Some(at);
            }
            let used = *h.arena_used.get() as usize;
            let room = ARENA_CHUNK - used % ARENA_CHUNK;
            let at = if room < words { used + room } else { used };
            let c = at / ARENA_CHUNK;
            if c >= MAX_ARENA_CHUNKS {
                return None;
            }
            if h.arena[c].load(Ordering::Relaxed).is_null() {
                let p = shm::alloc_zeroed(ARENA_CHUNK * size_of::<AtomicU64>())?;
                h.arena[c].store(p.as_ptr().cast(), Ordering::Release);
            }
            if at != used {
                // the previous chunk's tail becomes a free block of its size
                self.free_block(used as u32, room);
            }
            *h.arena_used.get() = (at + words) as u32;
            Some(at as u32)
        }
    }

    /// Puts a key block on the free list of its size.
    pub(super) fn free_block(&self, at: u32, words: usize) {
        let h = self.h();
        if let Some(first) = self.map.block(at, 1) {
            // SAFETY: lock held for the free lists.
            unsafe {
                let list = h.key_free[words - 1].get();
                first[0].store(u64::from(*list), Ordering::Relaxed);
                *list = at + 1;
            }
        }
    }

    /// Keeps the slot array at most 5/8 full of records and 3/4 full with tombstones:
    /// doubles it when the records pass 5/8, else clears the tombstones in place.
    pub(super) fn make_room(&mut self) -> Result<(), InsertError> {
        let cap = self.slots().mask + 1;
        // SAFETY: lock held.
        let (live, tombs) = unsafe { (self.len() as u64, *self.h().tombs.get() as u64) };
        let grow = (live + 1) * 8 > cap * 5;
        if !grow && (live + tombs + 1) * 4 <= cap * 3 {
            return Ok(());
        }
        let old = self.h().slots.load(Ordering::Relaxed);
        let target = if grow {
            alloc_slots(cap * 2).ok_or(InsertError::Full)?.as_ptr()
        } else {
            old
        };
        let _w = self.write_window();
        // SAFETY: `target` is a slot array owned by this map; lock held.
        let t = unsafe { &*target };
        if !grow {
            for i in 0..cap {
                t.slot(i).store(EMPTY, Ordering::Relaxed);
            }
        }
        for idx in self.indices() {
            let hv = self.hash_of(idx);
            let mut i = hv;
            while t.slot(i).load(Ordering::Relaxed) != EMPTY {
                i = i.wrapping_add(1);
            }
            t.slot(i).store(slot_value(hv, idx), Ordering::Relaxed);
        }
        if grow {
            // SAFETY: the new array is not yet visible; the old one is kept (readers may still
            // be in it) on the retired list.
            unsafe { (*target).retired_next = old };
            self.h().slots.store(target, Ordering::Release);
        }
        // SAFETY: lock held.
        unsafe { *self.h().tombs.get() = 0 };
        Ok(())
    }
}
