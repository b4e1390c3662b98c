// A query argument of the wrong type does not compile: `$id` is an Int.
fn main() -> Result<(), ticks::Error> {
    let db = ticks::Db::open("never-opened.manifold")?;
    let _ = db.trade_by_id("17")?;
    Ok(())
}
