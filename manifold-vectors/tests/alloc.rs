//! A distance on a stored vector allocates nothing, and a scan with distances nothing
//! beyond the storage iterator itself:
//! counted with a per-thread counting allocator (its own test binary, because the
//! allocator is global).
#![allow(unsafe_code, clippy::unwrap_used, missing_docs)]

use manifold_vectors::{Metric, VectorTable};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use uuid::Uuid;

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

#[test]
fn distance_on_stored_bytes_adds_no_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let db = manifold::Database::open(dir.path().join("a.manifold")).unwrap();
    let cf = db.column_family_or_create("v").unwrap();
    let table = VectorTable::<128>::open(&cf, "t").unwrap();
    let vectors: Vec<Vec<f32>> = (0..200).map(|i| vec![i as f32 * 0.01; 128]).collect();
    table
        .insert_batch(
            vectors
                .iter()
                .enumerate()
                .map(|(i, v)| (Uuid::from_u128(i as u128), v.as_slice())),
        )
        .unwrap();
    let r = table.reader().unwrap();
    let raw = cf
        .begin_read()
        .unwrap()
        .open_table(manifold::TableDefinition::<Uuid, [u8]>::new("t"))
        .unwrap();
    let q = vec![0.5f32; 128];
    let id = Uuid::from_u128(77);
    // Warm up caches.
    for _ in 0..3 {
        r.distance(id, &q, Metric::Cosine).unwrap();
        raw.get_raw(&id).unwrap();
    }
    let lookup = allocations(|| {
        let g = raw.get_raw(&id).unwrap().unwrap();
        std::hint::black_box(g.bytes());
    });
    let with_distance = allocations(|| {
        std::hint::black_box(r.distance(id, &q, Metric::Cosine).unwrap());
    });
    assert!(with_distance <= lookup, "the kernel must not allocate");
    // The lookup goes by the UUID's own 16 bytes: no key buffer, no allocation at all.
    assert_eq!(with_distance, 0);
    // A full scan: the per-entry cost is the storage iterator's, not ours. Warm the
    // page cache first, so neither scan pays for loading pages.
    for e in raw.iter().unwrap().raw() {
        std::hint::black_box(e.unwrap().value_bytes().len());
    }
    let scan = allocations(|| {
        let mut s = 0.0;
        for e in r.iter().unwrap() {
            s += e.unwrap().vector().distance(Metric::L2, &q);
        }
        std::hint::black_box(s);
    });
    let raw_scan = allocations(|| {
        let mut n = 0;
        for e in raw.iter().unwrap().raw() {
            n += e.unwrap().value_bytes().len();
        }
        std::hint::black_box(n);
    });
    assert_eq!(scan, raw_scan);
    eprintln!("allocations: lookup {lookup}, distance {with_distance}, scan of 200 {scan}");
}
