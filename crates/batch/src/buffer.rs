//! A sealed file's bytes. A large batch is written into memory mapped
//! for it alone, in huge pages where the system allows them: 75 MB of
//! fresh memory taken a 4 KiB page at a time costs about 19 000 page
//! faults, a third of the time sealing takes; in 2 MiB pages it is a few
//! dozen. Small files, and systems without such memory, use the heap.

use std::ops::{Deref, DerefMut};

use memmap2::MmapMut;
use zeroize::Zeroize;

/// Below this a file is kept on the heap: mapping it would not pay.
const MAPPED_FROM: usize = 4 << 20;

/// A file's bytes: its length, in a buffer that may be longer.
pub struct FileBytes {
    buf: Buf,
    len: usize,
}

enum Buf {
    Heap(Vec<u8>),
    Mapped(MmapMut),
}

impl FileBytes {
    /// `len` zero bytes, mapped when large. Zeroed memory is not touched
    /// until it is written, so room never written costs nothing.
    pub(crate) fn zeroed(len: usize) -> Self {
        let buf = if len >= MAPPED_FROM {
            match MmapMut::map_anon(len) {
                Ok(map) => {
                    huge_pages(&map);
                    Buf::Mapped(map)
                }
                Err(_) => Buf::Heap(vec![0; len]),
            }
        } else {
            Buf::Heap(vec![0; len])
        };
        Self { buf, len }
    }

    fn whole(&mut self) -> &mut [u8] {
        match &mut self.buf {
            Buf::Heap(v) => v,
            Buf::Mapped(m) => m,
        }
    }

    /// Cuts the file to `len` bytes (the room after it is kept).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Appends `data`: in the room left when it fits, else on the heap.
    pub(crate) fn extend_from_slice(&mut self, data: &[u8]) {
        let end = self.len + data.len();
        if end > self.whole().len() {
            let mut v = match std::mem::replace(&mut self.buf, Buf::Heap(Vec::new())) {
                Buf::Heap(mut v) => {
                    v.truncate(self.len);
                    v
                }
                Buf::Mapped(m) => m[..self.len].to_vec(),
            };
            v.resize(end, 0);
            self.buf = Buf::Heap(v);
        }
        let at = self.len;
        self.whole()[at..end].copy_from_slice(data);
        self.len = end;
    }

    /// Wipes the whole buffer (plaintext left by a failure).
    pub(crate) fn wipe(&mut self) {
        self.whole().zeroize();
    }

    /// The bytes on the heap (copied if they are mapped).
    pub fn into_vec(self) -> Vec<u8> {
        let len = self.len;
        match self.buf {
            Buf::Heap(mut v) => {
                v.truncate(len);
                v
            }
            Buf::Mapped(m) => m[..len].to_vec(),
        }
    }
}

#[cfg(target_os = "linux")]
fn huge_pages(map: &MmapMut) {
    // Only advice: where huge pages are off, small ones are used.
    let _ = map.advise(memmap2::Advice::HugePage);
}

#[cfg(not(target_os = "linux"))]
fn huge_pages(_: &MmapMut) {}

impl From<Vec<u8>> for FileBytes {
    fn from(v: Vec<u8>) -> Self {
        Self {
            len: v.len(),
            buf: Buf::Heap(v),
        }
    }
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let whole: &[u8] = match &self.buf {
            Buf::Heap(v) => v,
            Buf::Mapped(m) => m,
        };
        &whole[..self.len]
    }
}

impl DerefMut for FileBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        &mut self.whole()[..len]
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.len)
    }
}

impl PartialEq<[u8]> for FileBytes {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

impl PartialEq<Vec<u8>> for FileBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_and_heap_files_grow_and_cut_alike() {
        for size in [16, MAPPED_FROM] {
            let mut f = FileBytes::zeroed(size);
            assert_eq!(f.len(), size);
            f[0] = 1;
            f.truncate(2);
            f.extend_from_slice(b"ab");
            assert_eq!(&f[..], &[1, 0, b'a', b'b']);
            // Past the room laid out: moved to the heap, nothing lost.
            f.extend_from_slice(&vec![9; size]);
            assert_eq!(f.len(), size + 4);
            assert_eq!(&f[..4], &[1, 0, b'a', b'b']);
            assert!(f[4..].iter().all(|&b| b == 9));
            let v = f.into_vec();
            assert_eq!(v.len(), size + 4);
            assert_eq!(v[size + 3], 9);
        }
    }

    #[test]
    fn wiping_clears_the_room_after_the_file_too() {
        let mut f = FileBytes::zeroed(MAPPED_FROM);
        f.fill(7);
        f.truncate(1);
        f.wipe();
        assert!(f.whole().iter().all(|&b| b == 0));
    }
}
