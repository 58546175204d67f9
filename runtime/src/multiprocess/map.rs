//! The one module of the workspace with `unsafe` code: mapping the files of multiprocess
//! mode and handing their memory out as atomics, plus the two system calls std has no
//! safe form of at this crate's MSRV (`flock`, `posix_fallocate`).
//!
//! Every byte of a mapped file is reached as an [`AtomicU64`] word, by the process that
//! owns the file (which writes it) and by every process that reads it (which only loads).
//! So no access to shared memory is ever a plain read or write, and a writer racing a
//! reader — or a foreign process scribbling on a file — can give wrong numbers, never
//! undefined behaviour. Decoding those words into records is safe code, in `format.rs`.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::AtomicU64;

use memmap2::{Mmap, MmapOptions};

/// Maps `len` bytes of `file` from `offset` (both multiples of the page size) for reading
/// and writing, shared with every process that maps the same file, for the rest of this
/// process' life: the mapping is never unmapped, so the words can be `'static`.
pub(crate) fn map_words_forever(
    file: &File,
    offset: u64,
    len: usize,
) -> io::Result<&'static [AtomicU64]> {
    check_shape(offset, len)?;
    // SAFETY: memmap2's map is unsafe because another process may change or truncate the
    // file under the mapping. Changes are what we want (and why every access below is
    // atomic). Truncation would turn accesses into SIGBUS: the file belongs to this
    // process (it holds its `flock` for its whole life), its space was reserved with
    // `posix_fallocate` before this call, and promenade never truncates a file a live
    // process holds (`prepare_directory` and compaction refuse or skip locked files).
    let map = unsafe { MmapOptions::new().offset(offset).len(len).map_mut(file)? };
    let map: &'static mut memmap2::MmapMut = Box::leak(Box::new(map));
    // SAFETY: the mapping is page-aligned (so 8-aligned) and `len` is a multiple of 8
    // (`check_shape`); every bit pattern is a valid `AtomicU64`; the memory lives as long
    // as the process, since the `MmapMut` was leaked just above; and from here on it is
    // only reached through this shared slice of atomics (the `&mut` is not used again).
    let words =
        unsafe { std::slice::from_raw_parts(map.as_mut_ptr().cast::<AtomicU64>(), len / 8) };
    Ok(words)
}

/// A read-only view of a whole file as words, for as long as the value lives.
pub(crate) struct ReadMap {
    map: Option<Mmap>,
}

impl ReadMap {
    /// Maps the first `len` bytes of `file` (a multiple of 8) read-only.
    pub(crate) fn new(file: &File, len: usize) -> io::Result<ReadMap> {
        check_shape(0, len)?;
        if len == 0 {
            return Ok(ReadMap { map: None });
        }
        // SAFETY: as in `map_words_forever`: concurrent changes by the owner are expected
        // and only ever loaded atomically; a file truncated below `len` while mapped
        // would fault, which promenade's own processes never do (files are only ever
        // extended by their owner, and removed — not truncated — once folded).
        let map = unsafe { MmapOptions::new().len(len).map(file)? };
        Ok(ReadMap { map: Some(map) })
    }

    /// The file's words.
    pub(crate) fn words(&self) -> &[AtomicU64] {
        match &self.map {
            None => &[],
            // SAFETY: page-aligned, a multiple of 8 long (checked in `new`), borrowed for
            // no longer than the mapping lives. The memory is read-only: the only
            // operations this crate performs through the slice are `load`s, and Rust's
            // atomics documentation allows atomic loads of read-only memory for types of
            // at most the platform's native atomic width, which `AtomicU64` is on the
            // 64-bit targets this feature builds for (`multiprocess/mod.rs` refuses others).
            Some(map) => unsafe {
                std::slice::from_raw_parts(map.as_ptr().cast::<AtomicU64>(), map.len() / 8)
            },
        }
    }
}

fn check_shape(offset: u64, len: usize) -> io::Result<()> {
    if offset % 4096 != 0 || len % 8 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a mapping must start at a page boundary and be a whole number of words",
        ));
    }
    Ok(())
}

/// Reserves the file's blocks for `len` bytes from `offset`, so that writing them through
/// a mapping can never fault for want of disk space: a full disk is this call's `ENOSPC`.
pub(crate) fn reserve(file: &File, offset: u64, len: u64) -> io::Result<()> {
    let (Ok(offset), Ok(len)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "file offset out of range",
        ));
    };
    loop {
        // SAFETY: a plain system call on a descriptor `file` keeps open; no pointers.
        let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), offset, len) };
        match rc {
            0 => return Ok(()),
            libc::EINTR => continue,
            e => return Err(io::Error::from_raw_os_error(e)),
        }
    }
}

/// `flock` modes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lock {
    Shared,
    Exclusive,
}

/// Takes `lock` on `file`, waiting for it.
pub(crate) fn lock(file: &File, lock: Lock) -> io::Result<()> {
    flock(file, op(lock)).map(|_| ())
}

/// Takes `lock` on `file` if nobody holds a conflicting lock: `Ok(false)` if someone does.
pub(crate) fn try_lock(file: &File, lock: Lock) -> io::Result<bool> {
    flock(file, op(lock) | libc::LOCK_NB)
}

/// Releases this descriptor's lock.
pub(crate) fn unlock(file: &File) -> io::Result<()> {
    flock(file, libc::LOCK_UN).map(|_| ())
}

fn op(lock: Lock) -> libc::c_int {
    match lock {
        Lock::Shared => libc::LOCK_SH,
        Lock::Exclusive => libc::LOCK_EX,
    }
}

fn flock(file: &File, op: libc::c_int) -> io::Result<bool> {
    loop {
        // SAFETY: a plain system call on a descriptor `file` keeps open; no pointers.
        let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
        if rc == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => return Ok(false),
            _ => return Err(err),
        }
    }
}

/// Where a metric's values live once it is bound to this process' file: a pointer to `N`
/// cells of a mapping that is never unmapped, set at most once, null until then. The low
/// bit of the pointer (cells are 8-aligned) carries one flag for the metric (a gauge:
/// "write the time of each write too").
pub(crate) struct CellPtr<const N: usize>(std::sync::atomic::AtomicPtr<AtomicU64>);

impl<const N: usize> CellPtr<N> {
    pub(crate) const fn new() -> Self {
        CellPtr(std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()))
    }

    /// The cells and the flag, if bound.
    #[inline]
    pub(crate) fn get(&self) -> Option<(&'static [AtomicU64; N], bool)> {
        Self::decode(self.0.load(std::sync::atomic::Ordering::Acquire))
    }

    /// As [`get`](Self::get), sequentially consistent: the re-check of a writer that just
    /// wrote its local value (see `multiprocess::cells`).
    #[inline]
    pub(crate) fn get_seqcst(&self) -> Option<(&'static [AtomicU64; N], bool)> {
        Self::decode(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }

    #[inline]
    fn decode(p: *mut AtomicU64) -> Option<(&'static [AtomicU64; N], bool)> {
        if p.is_null() {
            return None;
        }
        let flag = p as usize & 1 == 1;
        let p = (p as usize & !1) as *const [AtomicU64; N];
        // SAFETY: the only non-null values ever stored are made by `bind` from a
        // `&'static [AtomicU64; N]` (8-aligned, so bit 0 is free for the flag, which is
        // masked off above); such a reference is valid for the whole process.
        Some((unsafe { &*p }, flag))
    }

    /// Points at `cells`; `false` (and nothing changes) if already bound.
    pub(crate) fn bind(&self, cells: &'static [AtomicU64; N], flag: bool) -> bool {
        let p = (cells.as_ptr() as usize | usize::from(flag)) as *mut AtomicU64;
        self.0
            .compare_exchange(
                std::ptr::null_mut(),
                p,
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
            )
            .is_ok()
    }
}

impl<const N: usize> std::fmt::Debug for CellPtr<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.get().is_some() {
            "bound"
        } else {
            "local"
        })
    }
}

/// [`CellPtr`] for a number of cells known at run time (a histogram's buckets).
pub(crate) struct CellsPtr {
    ptr: std::sync::atomic::AtomicPtr<AtomicU64>,
    len: std::sync::atomic::AtomicUsize,
}

impl CellsPtr {
    pub(crate) const fn new() -> Self {
        CellsPtr {
            ptr: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
            len: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    #[inline]
    pub(crate) fn get(&self) -> Option<&'static [AtomicU64]> {
        self.load(std::sync::atomic::Ordering::Acquire)
    }

    #[inline]
    pub(crate) fn get_seqcst(&self) -> Option<&'static [AtomicU64]> {
        self.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[inline]
    fn load(&self, order: std::sync::atomic::Ordering) -> Option<&'static [AtomicU64]> {
        let p = self.ptr.load(order);
        if p.is_null() {
            return None;
        }
        // The length was stored before the pointer was published (release or stronger),
        // and the pointer was loaded with acquire or stronger.
        let len = self.len.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `bind` publishes a pointer and length taken from one `&'static
        // [AtomicU64]`, the length first; it does so once (the pointer goes from null to
        // non-null by compare-exchange, and the length is only written by the winner
        // before that exchange, under `binding`), so any non-null pointer read here is
        // paired with its own length.
        Some(unsafe { std::slice::from_raw_parts(p, len) })
    }

    /// Points at `cells`; `false` (and nothing changes) if already bound.
    pub(crate) fn bind(&self, cells: &'static [AtomicU64]) -> bool {
        static BINDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _g = BINDING.lock().unwrap_or_else(|e| e.into_inner());
        if !self.ptr.load(std::sync::atomic::Ordering::SeqCst).is_null() {
            return false;
        }
        self.len
            .store(cells.len(), std::sync::atomic::Ordering::SeqCst);
        self.ptr.store(
            cells.as_ptr().cast_mut(),
            std::sync::atomic::Ordering::SeqCst,
        );
        true
    }
}

impl std::fmt::Debug for CellsPtr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.get().is_some() {
            "bound"
        } else {
            "local"
        })
    }
}
