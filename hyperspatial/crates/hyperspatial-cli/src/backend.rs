//! Where client commands run statements: the embedded database or a server's
//! `POST /query`. Both answer with the server's JSON shape, [`ResultSet`].

use super::CliError;
use super::args::ConnArgs;
use super::open::open_database;
use hyperql::{Engine, Params, StatementKind};
use hyperspatial::Database;
use serde::{Deserialize, Serialize};
use serde_json::{Value as JsonValue, json};
use std::time::Duration;

/// The answer to one statement, as `POST /query` sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ResultSet {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of JSON values.
    pub rows: Vec<Vec<JsonValue>>,
    /// Entities or edges written, for writes.
    #[serde(default)]
    pub affected: Option<u64>,
    /// Counters of the statement.
    #[serde(default)]
    pub stats: JsonValue,
}

/// A database to run HyperQL against.
pub enum Backend {
    /// The embedded database.
    Embedded(Engine<Database>),
    /// A server.
    Remote {
        /// Its base URL, without a trailing `/`.
        url: String,
        /// The bearer token, if any.
        token: Option<String>,
        /// The HTTP client.
        client: reqwest::blocking::Client,
    },
}

impl Backend {
    /// Opens the target of `args`; `say` receives a line about what was opened.
    pub fn open(args: &ConnArgs, say: impl Fn(&str)) -> Result<Backend, CliError> {
        if let Some(url) = &args.url {
            let client = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(600))
                .build()
                .map_err(|e| CliError(format!("cannot make an HTTP client: {e}")))?;
            return Ok(Backend::Remote {
                url: url.trim_end_matches('/').to_string(),
                token: args.token.clone().filter(|t| !t.is_empty()),
                client,
            });
        }
        let (db, embedder) = open_database(&args.data)?;
        say(&format!(
            "database: {}; {embedder}",
            args.data.data.display()
        ));
        Ok(Backend::Embedded(Engine::new(db)))
    }

    /// Runs every statement of `text`; one result each.
    pub fn run(&self, text: &str, params: &Params) -> Result<Vec<ResultSet>, CliError> {
        match self {
            Backend::Embedded(engine) => run_embedded(engine, text, params),
            Backend::Remote { .. } => {
                let body = json!({ "query": text, "params": params });
                match self.request(reqwest::Method::POST, "/query", Some(&body))? {
                    JsonValue::Array(items) => items.into_iter().map(result_set).collect(),
                    one => Ok(vec![result_set(one)?]),
                }
            }
        }
    }

    /// Names of the collections.
    pub fn collections(&self) -> Result<Vec<String>, CliError> {
        match self {
            Backend::Embedded(engine) => Ok(engine.source().collections()),
            Backend::Remote { .. } => {
                let v = self.request(reqwest::Method::GET, "/collections", None)?;
                Ok(v["collections"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["name"].as_str().map(str::to_string))
                    .collect())
            }
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&JsonValue>,
    ) -> Result<JsonValue, CliError> {
        let Backend::Remote { url, token, client } = self else {
            return Err(CliError("not a server".into()));
        };
        let mut req = client.request(method, format!("{url}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req
            .send()
            .map_err(|e| CliError(format!("cannot reach {url}: {e}")))?;
        let status = res.status();
        let text = res
            .text()
            .map_err(|e| CliError(format!("reading the answer of {url}: {e}")))?;
        let json: JsonValue = serde_json::from_str(&text).map_err(|_| {
            CliError(format!(
                "{url} answered {status} with something other than JSON: {}",
                text.chars().take(200).collect::<String>()
            ))
        })?;
        if !status.is_success() {
            let msg = json["error"].as_str().unwrap_or("request failed");
            return Err(CliError(format!("{} {msg}", status.as_u16())));
        }
        Ok(json)
    }
}

fn result_set(v: JsonValue) -> Result<ResultSet, CliError> {
    serde_json::from_value(v).map_err(|e| CliError(format!("unexpected answer: {e}")))
}

fn run_embedded(
    engine: &Engine<Database>,
    text: &str,
    params: &Params,
) -> Result<Vec<ResultSet>, CliError> {
    let script = hyperql::parse(text).map_err(|d| CliError(format!("syntax errors:\n{d}")))?;
    if script
        .statements
        .iter()
        .any(|s| matches!(s.kind, StatementKind::Subscribe(_)))
    {
        return Err(CliError(
            "SUBSCRIBE streams from a server: connect a WebSocket to GET /subscribe".into(),
        ));
    }
    let results = engine
        .query_script(text, params)
        .map_err(|e| CliError(e.to_string()))?;
    results
        .into_iter()
        .map(|r| {
            serde_json::to_value(r)
                .map_err(|e| CliError(format!("cannot encode a result: {e}")))
                .and_then(result_set)
        })
        .collect()
}
