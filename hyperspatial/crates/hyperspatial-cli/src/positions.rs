//! `hyperspatial positions COLLECTION [--set JSON]`: prints a collection's position
//! settings in effect, or stores new ones and places every entity again, in the
//! embedded database or on a server (`GET` / `PUT /collections/{name}/positions`).

use super::CliError;
use super::args::PositionsArgs;
use super::open::open_database;
use super::transfer::{answer_json, client};
use hyperspatial::PositionSettings;
use serde_json::json;

/// Runs the command.
pub(super) fn run(a: &PositionsArgs) -> Result<(), CliError> {
    let settings: Option<PositionSettings> = a
        .set
        .as_deref()
        .map(|text| {
            serde_json::from_str(text).map_err(|e| {
                CliError(format!(
                    "--set: {e} (expected an object with `mix`, `weights` and `ignore`, each optional)"
                ))
            })
        })
        .transpose()?;
    let answer = match &a.conn.url {
        Some(url) => {
            let url = url.trim_end_matches('/');
            let path = format!("{url}/collections/{}/positions", a.collection);
            let http = client(&a.conn)?;
            let req = match &settings {
                Some(s) => http.put(&path).json(s),
                None => http.get(&path),
            };
            answer_json(req.send(), url, "request failed")?
        }
        None => {
            let (db, _) = open_database(&a.conn.data)?;
            let err = |e: hyperspatial::StoreError| CliError(e.to_string());
            match settings {
                Some(s) => {
                    let placed = db.set_position_settings(&a.collection, s).map_err(err)?;
                    let now = db.position_settings(&a.collection).map_err(err)?;
                    json!({"collection": a.collection, "placed": placed, "settings": now})
                }
                None => json!(db.position_settings(&a.collection).map_err(err)?),
            }
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&answer).map_err(|e| CliError(e.to_string()))?
    );
    Ok(())
}
