//! Opening the embedded database with an embedder registered.

use super::CliError;
use super::args::{DataArgs, EmbedderChoice};
use hyperspatial::Database;
use std::sync::Arc;
use tessera_bridge::{Embedder, HashingEmbedder};

/// Opens the database of `args` and registers the embedder it asks for (and the
/// hashing embedder under its own name); returns the database and a line saying
/// which embedder is the default.
pub fn open_database(args: &DataArgs) -> Result<(Database, String), CliError> {
    let options = hyperspatial::Options {
        max_collections: usize::try_from(args.max_collections).unwrap_or(usize::MAX),
        ..hyperspatial::Options::default()
    };
    let db = Database::open_with(&args.data, options).map_err(|e| {
        let hint = if e.to_string().contains("locked") {
            " (a server may have it open: use --url to go through the server)"
        } else {
            ""
        };
        CliError(format!(
            "cannot open the database in {}: {e}{hint}",
            args.data.display()
        ))
    })?;
    let (embedder, said) = choose_embedder(args.embedder)?;
    db.register_embedder(embedder);
    // The hashing embedder is always there by name too (`EMBED(text, 'hashing-384')`),
    // e.g. for the demo data set's vectors, after the default chosen above.
    let hashing = HashingEmbedder::default();
    if db.embedder(Some(&hashing.info().name)).is_none() {
        db.register_embedder(Arc::new(hashing));
    }
    Ok((db, said))
}

fn hashing(why: &str) -> (Arc<dyn Embedder>, String) {
    let e = HashingEmbedder::default();
    let said = format!("embedder: {} (deterministic hashing{why})", e.info().name);
    (Arc::new(e), said)
}

#[cfg(feature = "model")]
fn choose_embedder(choice: EmbedderChoice) -> Result<(Arc<dyn Embedder>, String), CliError> {
    use tessera_bridge::{SentenceConfig, SentenceEmbedder};
    if choice == EmbedderChoice::Hashing {
        return Ok(hashing(""));
    }
    let loaded = SentenceConfig::from_env().and_then(|c| {
        let dir = c.model_dir.clone();
        SentenceEmbedder::load(&c).map(|m| (m, dir))
    });
    match (loaded, choice) {
        (Ok((m, dir)), _) => {
            let said = format!(
                "embedder: {} ({}-d sentence model from {})",
                m.info().name,
                m.info().dimension,
                dir.display()
            );
            Ok((Arc::new(m), said))
        }
        (Err(e), EmbedderChoice::Model) => {
            Err(CliError(format!("cannot load the sentence model: {e}")))
        }
        (Err(e), _) => Ok(hashing(&format!(
            "; the sentence model is not available: {e}"
        ))),
    }
}

#[cfg(not(feature = "model"))]
fn choose_embedder(choice: EmbedderChoice) -> Result<(Arc<dyn Embedder>, String), CliError> {
    if choice == EmbedderChoice::Model {
        return Err(CliError(
            "this build has no sentence model (cargo feature `model`)".into(),
        ));
    }
    Ok(hashing("; built without the sentence model"))
}
