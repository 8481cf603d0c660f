//! A hash table laid out once and read without hashing twice: its layout, and the hash that
//! places a key.
//!
//! The macro lays tables out at compile time as `static` data; `cors-runtime` lays them out at
//! startup for origins from configuration, and looks keys up in both with the same
//! [`Table::bucket`]. Both sides call [`layout`], so they cannot disagree about where a key is.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Data that is either `'static` (laid out by the macro) or owned (built at startup). Reading it
/// costs the same either way, and so does cloning it: a reference, or a reference count.
pub enum Stored<T: ?Sized + 'static> {
    /// Compiled into the binary.
    Static(&'static T),
    /// Built at run time, shared by its clones.
    Owned(Arc<T>),
}

impl<T: ?Sized> Clone for Stored<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Static(value) => Self::Static(value),
            Self::Owned(value) => Self::Owned(Arc::clone(value)),
        }
    }
}

impl<T: ?Sized> Deref for Stored<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        match self {
            Self::Static(value) => value,
            Self::Owned(value) => value,
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl From<String> for Stored<str> {
    fn from(text: String) -> Self {
        Self::Owned(text.into())
    }
}

impl<T> From<Vec<T>> for Stored<[T]> {
    fn from(items: Vec<T>) -> Self {
        Self::Owned(items.into())
    }
}

/// A hash table: bucket `i` holds `entries[starts[i]..starts[i + 1]]`. A table with no entries
/// has no buckets; one with at most [`UNHASHED`] entries has one bucket, compared without
/// hashing; a larger one has a power of two of buckets, indexed by [`bucket_of`].
pub struct Table<T: 'static> {
    /// Where each bucket starts in `entries`, and where the last one ends.
    pub starts: Stored<[u32]>,
    /// The entries, bucket after bucket.
    pub entries: Stored<[T]>,
}

impl<T> Table<T> {
    /// A table without entries.
    #[must_use]
    pub const fn empty() -> Self {
        Self {
            starts: Stored::Static(&[]),
            entries: Stored::Static(&[]),
        }
    }

    /// The entries that may have `key`; the caller compares them with it.
    #[inline]
    #[must_use]
    pub fn bucket(&self, key: &[u8]) -> &[T] {
        let starts = &*self.starts;
        let index = match starts.len() {
            0 | 1 => return &[],
            // One bucket holds every entry.
            2 => return &self.entries,
            n => bucket_of(key, n - 1),
        };
        &self.entries[starts[index] as usize..starts[index + 1] as usize]
    }

    /// Whether the table has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A table of `keyed` entries, each placed by its key.
    #[must_use]
    pub fn lay_out<K: AsRef<[u8]>>(keyed: Vec<(K, T)>) -> Self {
        let (keys, items): (Vec<K>, Vec<T>) = keyed.into_iter().unzip();
        let layout = layout(&keys);
        Self {
            entries: layout.arrange(items).into(),
            starts: layout.starts.into(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries.iter()).finish()
    }
}

/// Tables this short are one bucket, compared without hashing.
pub const UNHASHED: usize = 4;

/// Where [`layout`] put each key.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    /// [`Table::starts`].
    pub starts: Vec<u32>,
    /// The index of each key in table order: entry `i` of the table is key `order[i]`.
    pub order: Vec<usize>,
}

impl Layout {
    /// `items` (one per key, in the order the keys were given) rearranged into table order.
    ///
    /// # Panics
    /// If `items` is not as long as the keys were.
    #[must_use]
    pub fn arrange<T>(&self, items: Vec<T>) -> Vec<T> {
        assert_eq!(items.len(), self.order.len(), "one item per key");
        let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
        self.order
            .iter()
            .filter_map(|&index| slots[index].take())
            .collect()
    }
}

/// Lays out a table of `keys`: how many buckets, and which key goes where.
///
/// # Panics
/// With more than `u32::MAX` keys.
#[must_use]
pub fn layout<K: AsRef<[u8]>>(keys: &[K]) -> Layout {
    let count = match keys.len() {
        0 => 0,
        n if n <= UNHASHED => 1,
        n => (n + n / 2).next_power_of_two(),
    };
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, key) in keys.iter().enumerate() {
        let bucket = if count == 1 {
            0
        } else {
            bucket_of(key.as_ref(), count)
        };
        buckets[bucket].push(index);
    }
    let mut starts = Vec::with_capacity(count + 1);
    let mut order = Vec::with_capacity(keys.len());
    for bucket in buckets {
        starts.push(u32::try_from(order.len()).expect("fewer than 2^32 keys"));
        order.extend(bucket);
    }
    if count > 0 {
        starts.push(u32::try_from(order.len()).expect("fewer than 2^32 keys"));
    }
    Layout { starts, order }
}

/// The bucket of `key` among `buckets` (a power of two): a word-at-a-time multiplicative hash,
/// enough for keys that the policy's author chose, not an attacker.
#[must_use]
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the bucket count fits in usize"
)]
pub fn bucket_of(key: &[u8], buckets: usize) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash.rotate_left(23) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^= hash >> 32;
    (hash as usize) & (buckets - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixed answers: a change to the hash is a change to every compiled policy's layout.
    #[test]
    fn bucket_of_known_answers() {
        let answers: Vec<usize> = ["", "https://a.example", "example.com", "http://localhost"]
            .iter()
            .map(|key| bucket_of(key.as_bytes(), 1 << 16))
            .collect();
        assert_eq!(answers, [0, 4933, 12739, 57763]);
    }

    fn table(keys: &[String]) -> Table<String> {
        Table::lay_out(keys.iter().map(|key| (key.clone(), key.clone())).collect())
    }

    #[test]
    fn every_key_is_found_in_its_bucket() {
        for size in [0, 1, 4, 5, 100, 1000] {
            let keys: Vec<String> = (0..size).map(|i| format!("https://o{i}.example")).collect();
            let table = table(&keys);
            assert_eq!(table.entries.len(), size);
            for key in &keys {
                assert!(table.bucket(key.as_bytes()).contains(key), "{size}: {key}");
            }
            let absent = "https://other.example".to_owned();
            assert!(!table.bucket(absent.as_bytes()).contains(&absent), "{size}");
            let buckets = table.starts.len().saturating_sub(1);
            assert!(size <= UNHASHED || buckets.is_power_of_two() && buckets >= size);
        }
    }

    #[test]
    fn empty_tables_have_no_buckets() {
        let empty: Table<u8> = Table::empty();
        assert!(empty.is_empty());
        assert!(empty.bucket(b"anything").is_empty());
        assert_eq!(layout::<&[u8]>(&[]).starts, Vec::<u32>::new());
    }
}
