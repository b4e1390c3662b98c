//! `hyperspatial query`: runs one query (or a `.hql` script) and prints the results.

use super::CliError;
use super::args::QueryArgs;
use super::backend::Backend;
use super::format::render;
use hyperql::{Params, Value};
use std::io::{Read, Write};

/// The query text: the argument itself, the file it names (`*.hql`), or stdin (`-`).
fn query_text(arg: &str) -> Result<String, CliError> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError(format!("reading standard input: {e}")))?;
        return Ok(s);
    }
    if arg.trim_end().ends_with(".hql") && !arg.contains('\n') {
        return std::fs::read_to_string(arg.trim_end())
            .map_err(|e| CliError(format!("reading {arg}: {e}")));
    }
    Ok(arg.to_string())
}

/// Parses `name=value` pairs; the value is JSON when it parses as JSON, else text.
pub fn parse_params(items: &[String]) -> Result<Params, CliError> {
    let mut params = Params::new();
    for item in items {
        let (name, raw) = item
            .split_once('=')
            .ok_or_else(|| CliError(format!("parameter `{item}` is not NAME=VALUE")))?;
        let name = name.trim().trim_start_matches('$');
        if name.is_empty() {
            return Err(CliError(format!("parameter `{item}` has no name")));
        }
        let value = serde_json::from_str(raw)
            .map(|j| Value::from_json(&j))
            .unwrap_or_else(|_| Value::str(raw));
        params.insert(name.to_string(), value);
    }
    Ok(params)
}

/// Runs the command.
pub fn run(args: &QueryArgs) -> Result<(), CliError> {
    let text = query_text(&args.query)?;
    let params = parse_params(&args.params)?;
    let backend = Backend::open(&args.target.conn, |_| {})?;
    let results = backend.run(&text, &params)?;
    let mut out = std::io::stdout().lock();
    render(&results, args.target.format, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| CliError(format!("writing the results: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_json_or_text() {
        let p = parse_params(&[
            "n=3".into(),
            "$name=Ada".into(),
            "v=[1.5, 2]".into(),
            "s=\"quoted\"".into(),
        ])
        .unwrap();
        assert_eq!(p["n"], Value::Int(3));
        assert_eq!(p["name"], Value::str("Ada"));
        assert_eq!(p["s"], Value::str("quoted"));
        assert!(matches!(p["v"], Value::Array(_)));
        assert!(parse_params(&["novalue".into()]).is_err());
        assert!(parse_params(&["=1".into()]).is_err());
    }
}
