//! Reading `.hql` files: every statement of every file, parsed by hyperql's parser,
//! with the name of each query (`-- name: x` before it, or the file's name when the
//! file holds one query).

use crate::error::{Diag, Diagnostic, Error};
use hyperql::{Statement, StatementKind};
use std::path::{Path, PathBuf};

/// One input file.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// One statement of a file.
#[derive(Debug)]
pub(crate) struct Unit {
    /// Index of its file.
    pub file: usize,
    pub stmt: Statement,
    /// The query name (`None` for schema statements).
    pub name: Option<String>,
}

/// The `.hql` files at `paths` (files, or folders read recursively), in path order.
pub(crate) fn read_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Error> {
    let mut found = Vec::new();
    for p in paths {
        collect(p, &mut found)?;
    }
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            Ok(SourceFile { path, text })
        })
        .collect()
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: p.to_path_buf(),
        source,
    };
    if p.is_dir() {
        for entry in std::fs::read_dir(p).map_err(io)? {
            collect(&entry.map_err(io)?.path(), out)?;
        }
    } else if p.is_file() {
        if p.extension().is_some_and(|e| e == "hql") {
            out.push(p.to_path_buf());
        }
    } else {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file or folder",
        )));
    }
    Ok(())
}

fn is_query(s: &Statement) -> bool {
    !matches!(
        s.kind,
        StatementKind::CreateSchema(_)
            | StatementKind::AlterSchema(_)
            | StatementKind::DropSchema(_)
            | StatementKind::DescribeSchema(_)
    )
}

/// The statements of every file, each query named.
pub(crate) fn parse_files(files: &[SourceFile]) -> Diag<Vec<Unit>> {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let (script, diags) = hyperql::parse_with_diagnostics(&f.text);
        if !diags.is_empty() {
            errors.extend(
                diags
                    .into_iter()
                    .map(|d| Diagnostic::from_hyperql(&f.path, d)),
            );
            continue;
        }
        let queries = script.statements.iter().filter(|s| is_query(s)).count();
        let stem = f
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut prev_end = 0;
        for stmt in script.statements {
            let before = f.text.get(prev_end..stmt.span.start).unwrap_or("");
            prev_end = stmt.span.end;
            if !is_query(&stmt) {
                units.push(Unit {
                    file: fi,
                    stmt,
                    name: None,
                });
                continue;
            }
            let name = match name_comment(before) {
                Some(n) => n,
                None if queries == 1 => stem.clone(),
                None => {
                    errors.push(Diagnostic::at(
                        &f.path,
                        &f.text,
                        stmt.span,
                        "a file with several queries needs `-- name: <query_name>` before each",
                    ));
                    continue;
                }
            };
            units.push(Unit {
                file: fi,
                stmt,
                name: Some(name),
            });
        }
    }
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(errors)
    }
}

/// The last `-- name: x` comment in `text`.
fn name_comment(text: &str) -> Option<String> {
    text.lines().rev().find_map(|l| {
        let rest = l.trim().strip_prefix("--")?.trim();
        let name = rest.strip_prefix("name:")?.trim();
        (!name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::name_comment;

    #[test]
    fn names() {
        assert_eq!(
            name_comment("\n-- name: get_user\n").as_deref(),
            Some("get_user")
        );
        assert_eq!(name_comment("-- a comment\n"), None);
    }
}
