// A k-NN query vector of the wrong length does not compile: `embedding` is an
// Embedding(8).
fn main() -> Result<(), ticks::Error> {
    let db = ticks::Db::open("never-opened.manifold")?;
    let _ = db.similar_instruments(&[0.0f32; 4])?;
    Ok(())
}
