//! Damage anywhere in the data file gives an error or a readable database, never a
//! panic.

use crate::sim_config;
use manifold::{Database, SimDisk, TableDefinition};
use std::path::Path;

const T: TableDefinition<u64, [u8]> = TableDefinition::new("t");

fn read_everything(db: &Database) -> manifold::Result<u64> {
    let mut n = 0;
    for name in db.list_column_families() {
        let r = db.column_family(&name)?.begin_read()?;
        for e in r.open_table(T)?.iter()? {
            let (_, v) = e?;
            n += v.len() as u64;
        }
    }
    Ok(n)
}

#[test]
fn random_damage_to_the_data_file_never_panics() {
    let path = Path::new("/damage.manifold");
    let disk = SimDisk::new();
    {
        let db = Database::open_with(path, sim_config(&disk)).unwrap();
        for f in 0..2 {
            let cf = db.create_column_family(&format!("f{f}")).unwrap();
            for batch in 0..5u64 {
                let tx = cf.begin_write().unwrap();
                {
                    let mut t = tx.open_table(T).unwrap();
                    for i in 0..100u64 {
                        t.insert(&(batch * 100 + i), &[i as u8; 64][..]).unwrap();
                    }
                }
                tx.commit().unwrap();
            }
        }
        db.checkpoint().unwrap();
    }
    let len = disk.file_len(path).unwrap();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut outcomes = [0usize; 2];
    for _ in 0..60 {
        let image = disk.crash_image(1.0, 0);
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            image.corrupt(path, state % len, (state >> 32) as u8 | 1);
        }
        let ok = Database::open_with(path, sim_config(&image)).and_then(|db| read_everything(&db));
        outcomes[usize::from(ok.is_ok())] += 1;
    }
    // Both kinds of outcome are fine; a panic is not (it fails the test).
    assert_eq!(outcomes.iter().sum::<usize>(), 60);
}
