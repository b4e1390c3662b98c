//! `hyperspatial relayout COLLECTION [-o name=value ..] [--evaluate]`: lays out a
//! collection's positions again, in the embedded database (with progress) or on a
//! server (`POST /collections/{name}/relayout`), and prints the report as JSON.

use super::CliError;
use super::args::RelayoutArgs;
use super::open::open_database;
use super::transfer::{answer_json, bar, client};
use hyperspatial::RelayoutPhase;
use serde_json::{Map, Value as Json};

/// Runs the command.
pub(super) fn run(a: &RelayoutArgs) -> Result<(), CliError> {
    let mut options = Map::new();
    for o in &a.options {
        let (k, v) = o
            .split_once('=')
            .ok_or_else(|| CliError(format!("option `{o}` is not NAME=VALUE")))?;
        let v = serde_json::from_str(v).unwrap_or_else(|_| Json::String(v.to_string()));
        options.insert(k.trim().to_string(), v);
    }
    if a.evaluate {
        options.insert("evaluate".into(), Json::Bool(true));
    }
    let pb = bar(a.quiet, None, "relayout");
    let report = match &a.conn.url {
        Some(url) => {
            pb.set_message(format!("relayout of `{}` on {url}", a.collection));
            let url = url.trim_end_matches('/');
            let res = client(&a.conn)?
                .post(format!("{url}/collections/{}/relayout", a.collection))
                .json(&Json::Object(options))
                .send();
            answer_json(res, url, "relayout failed")?
        }
        None => {
            let pairs: Vec<(String, hyperql::Value)> = options
                .iter()
                .map(|(k, v)| (k.clone(), hyperql::Value::from_json(v)))
                .collect();
            let opts =
                hyperspatial::relayout_options(&pairs).map_err(|e| CliError(e.to_string()))?;
            let (db, _) = open_database(&a.conn.data)?;
            let report = db
                .relayout_collection(&a.collection, &opts, &mut |p| {
                    pb.set_message(match p {
                        RelayoutPhase::Reading => "reading entities and edges".to_string(),
                        RelayoutPhase::Layout { entities, edges } => {
                            format!("laying out {entities} entities, {edges} edges")
                        }
                        RelayoutPhase::Evaluating => "measuring the reconstruction".to_string(),
                        RelayoutPhase::Publishing => "publishing the new positions".to_string(),
                    });
                })
                .map_err(|e| CliError(e.to_string()))?;
            serde_json::to_value(report).map_err(|e| CliError(e.to_string()))?
        }
    };
    pb.finish_and_clear();
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| CliError(e.to_string()))?
    );
    Ok(())
}
