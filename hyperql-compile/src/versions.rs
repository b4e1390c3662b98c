//! The schema history: one JSON file per version in a versions folder
//! (`v1.json`, `v2.json`, ...), each holding the collections of that version and the
//! fields renamed since the one before. The compiler compares the current schema with
//! the newest version; recording a new version is an explicit act (the CLI's
//! `--record-version`), never a side effect of a build.

use crate::error::Error;
use crate::input::SourceFile;
use crate::schema::{Collection, Field, FieldType, Model, TimeSeriesSpec};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the history lives and what to do with it.
#[derive(Clone, Debug)]
pub struct Versions {
    /// The versions folder (`hql/versions`).
    pub dir: PathBuf,
    /// Generate code as of this version (the schema must equal it; newer versions
    /// are ignored). `None`: the newest.
    pub up_to: Option<u64>,
    /// Record the current schema as a new version when it differs from the newest.
    pub record: bool,
}

/// A field renamed between a version and the one before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    /// The collection.
    pub collection: String,
    /// The name in the version before.
    pub from: String,
    /// The name in this version.
    pub to: String,
}

/// One version of the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    /// Its number (1, 2, ...).
    pub number: u64,
    /// The collections.
    pub model: Model,
    /// Fields renamed since the version before.
    pub renamed: Vec<Rename>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileField {
    name: String,
    ty: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    indexed: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCollection {
    name: String,
    fields: Vec<FileField>,
    /// `WITH TIME SERIES`: the time field and the series field, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_series: Option<FileTimeSeries>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTimeSeries {
    time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    series: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionFile {
    version: u64,
    collections: Vec<FileCollection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    renamed: Vec<Rename>,
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::Versions {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn parse_type(name: &str) -> Option<FieldType> {
    Some(match name {
        "String" => FieldType::String,
        "Int" => FieldType::Int,
        "Float" => FieldType::Float,
        "Bool" => FieldType::Bool,
        "Timestamp" => FieldType::Timestamp,
        _ => {
            let n = name.strip_prefix("Embedding(")?.strip_suffix(')')?;
            FieldType::Vector(n.trim().parse().ok().filter(|n| *n > 0)?)
        }
    })
}

/// The collections of `model` as a version stores them, in name order.
fn to_file(model: &Model, number: u64, renamed: Vec<Rename>) -> VersionFile {
    let mut collections: Vec<FileCollection> = model
        .collections
        .iter()
        .map(|c| FileCollection {
            name: c.name.clone(),
            fields: c
                .fields
                .iter()
                .map(|f| FileField {
                    name: f.name.clone(),
                    ty: f.ty.hql_name(),
                    required: f.required,
                    indexed: f.indexed,
                })
                .collect(),
            time_series: c.time_series.as_ref().map(|t| FileTimeSeries {
                time: t.time.clone(),
                series: t.series.clone(),
            }),
        })
        .collect();
    collections.sort_by(|a, b| a.name.cmp(&b.name));
    VersionFile {
        version: number,
        collections,
        renamed,
    }
}

fn from_file(path: &Path, file: VersionFile) -> Result<Version, Error> {
    let mut collections: Vec<Collection> = Vec::new();
    for c in file.collections {
        if collections.iter().any(|o| o.name == c.name) {
            return Err(bad(path, format!("collection `{}` appears twice", c.name)));
        }
        let mut fields: Vec<Field> = Vec::new();
        for f in c.fields {
            let ty = parse_type(&f.ty).ok_or_else(|| {
                bad(
                    path,
                    format!(
                        "field `{}.{}` has type `{}`; expected String, Int, Float, Bool, Timestamp or Embedding(n)",
                        c.name, f.name, f.ty
                    ),
                )
            })?;
            if f.name == "id" || fields.iter().any(|o| o.name == f.name) {
                return Err(bad(
                    path,
                    format!("field `{}.{}` is `id` or appears twice", c.name, f.name),
                ));
            }
            fields.push(Field {
                name: f.name,
                ty,
                required: f.required,
                indexed: f.indexed,
            });
        }
        let time_series = match c.time_series {
            Some(t) => Some(file_time_series(path, &c.name, &fields, t)?),
            None => None,
        };
        collections.push(Collection {
            name: c.name,
            fields,
            declared: true,
            time_series,
        });
    }
    collections.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Version {
        number: file.version,
        model: Model { collections },
        renamed: file.renamed,
    })
}

/// A version file's `time_series` entry, checked as the schema checks `WITH TIME
/// SERIES`: the time field a REQUIRED Int or Timestamp, the series field a REQUIRED
/// String other than the time field.
fn file_time_series(
    path: &Path,
    collection: &str,
    fields: &[Field],
    t: FileTimeSeries,
) -> Result<TimeSeriesSpec, Error> {
    let check = |name: &str, role: &str, ok: &dyn Fn(FieldType) -> bool, want: &str| match fields
        .iter()
        .find(|f| f.name == name)
    {
        Some(f) if ok(f.ty) && f.required => Ok(()),
        _ => Err(bad(
            path,
            format!(
                "the {role} field `{collection}.{name}` must be a REQUIRED {want} field of the collection"
            ),
        )),
    };
    check(
        &t.time,
        "time",
        &|ty| matches!(ty, FieldType::Int | FieldType::Timestamp),
        "Int or Timestamp",
    )?;
    if let Some(s) = &t.series {
        if *s == t.time {
            return Err(bad(
                path,
                format!("the series field of `{collection}` must differ from its time field"),
            ));
        }
        check(s, "series", &|ty| ty == FieldType::String, "String")?;
    }
    Ok(TimeSeriesSpec {
        time: t.time,
        series: t.series,
    })
}

/// Reads every version in `dir` (a missing folder is an empty history) and checks
/// that they are numbered 1, 2, ... and that each rename names a field of the
/// version before and of its own.
pub fn load(dir: &Path) -> Result<Vec<Version>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".json") {
                continue;
            }
            let n = name
                .strip_prefix('v')
                .and_then(|r| r.strip_suffix(".json"))
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| {
                    bad(
                        &path,
                        "a version file is named v<N>.json (v1.json, v2.json, ...)",
                    )
                })?;
            found.push((n, path));
        }
    }
    found.sort();
    let mut versions: Vec<Version> = Vec::new();
    for (i, (n, path)) in found.into_iter().enumerate() {
        let expected = i as u64 + 1;
        if n != expected {
            return Err(bad(
                &path,
                format!("versions are numbered from 1 without gaps; expected v{expected}.json"),
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let file: VersionFile = serde_json::from_str(&text)
            .map_err(|e| bad(&path, format!("{}:{}: {e}", e.line(), e.column())))?;
        if file.version != n {
            return Err(bad(
                &path,
                format!("`version` is {}, but the file is v{n}.json", file.version),
            ));
        }
        let v = from_file(&path, file)?;
        if let Some(prev) = versions.last() {
            check_renames(&path, prev, &v)?;
        } else if !v.renamed.is_empty() {
            return Err(bad(&path, "the first version cannot rename fields"));
        }
        versions.push(v);
    }
    Ok(versions)
}

fn check_renames(path: &Path, prev: &Version, v: &Version) -> Result<(), Error> {
    for r in &v.renamed {
        let (Some(a), Some(b)) = (
            prev.model.collection(&r.collection),
            v.model.collection(&r.collection),
        ) else {
            return Err(bad(
                path,
                format!(
                    "rename in `{}`: the collection is not in v{} and v{}",
                    r.collection, prev.number, v.number
                ),
            ));
        };
        if a.field(&r.from).is_none() || b.field(&r.to).is_none() {
            return Err(bad(
                path,
                format!(
                    "rename `{}.{}` -> `{}`: v{} must have `{}` and v{} `{}`",
                    r.collection, r.from, r.to, prev.number, r.from, v.number, r.to
                ),
            ));
        }
    }
    Ok(())
}

/// Whether two schemas store the same thing (collection order aside).
pub(crate) fn same(a: &Model, b: &Model) -> bool {
    let key = |m: &Model| serde_json::to_string(&to_file(m, 0, Vec::new()).collections).ok();
    key(a) == key(b)
}

/// The `-- renamed: collection.old -> new` annotations of the input files.
fn annotations(files: &[SourceFile]) -> Vec<Rename> {
    let mut out = Vec::new();
    for f in files {
        for line in f.text.lines() {
            let Some(rest) = line
                .trim()
                .strip_prefix("--")
                .and_then(|r| r.trim().strip_prefix("renamed:"))
            else {
                continue;
            };
            let Some((from, to)) = rest.split_once("->") else {
                continue;
            };
            let Some((coll, from)) = from.trim().split_once('.') else {
                continue;
            };
            out.push(Rename {
                collection: coll.trim().to_string(),
                from: from.trim().to_string(),
                to: to.trim().to_string(),
            });
        }
    }
    out
}

/// The history to generate code for, given the current schema: the recorded
/// versions (up to `cfg.up_to`), plus a new one written to the folder when the
/// schema changed and `cfg.record` is set. Returns the versions and the file
/// written, if any.
pub(crate) fn resolve(
    cfg: &Versions,
    files: &[SourceFile],
    model: &Model,
) -> Result<(Vec<Version>, Option<PathBuf>), Error> {
    let mut versions = load(&cfg.dir)?;
    if let Some(k) = cfg.up_to {
        versions.truncate(usize::try_from(k).unwrap_or(usize::MAX));
        let matches =
            versions.len() as u64 == k && versions.last().is_some_and(|v| same(&v.model, model));
        if !matches {
            return Err(bad(
                &cfg.dir,
                format!("the schema is not the one recorded as v{k} (or there is no v{k})"),
            ));
        }
        return Ok((versions, None));
    }
    if let Some(last) = versions.last()
        && same(&last.model, model)
    {
        return Ok((versions, None));
    }
    let number = versions.len() as u64 + 1;
    let renamed: Vec<Rename> = match versions.last() {
        None => Vec::new(),
        Some(prev) => annotations(files)
            .into_iter()
            .filter(|r| {
                let (a, b) = (
                    prev.model.collection(&r.collection),
                    model.collection(&r.collection),
                );
                a.is_some_and(|a| a.field(&r.from).is_some() && a.field(&r.to).is_none())
                    && b.is_some_and(|b| b.field(&r.to).is_some() && b.field(&r.from).is_none())
            })
            .collect(),
    };
    if !cfg.record {
        let what = match versions.last() {
            None => "no version is recorded yet".to_string(),
            Some(prev) => format!(
                "the schema differs from the newest recorded version (v{}): {}",
                prev.number,
                describe(&prev.model, model, &renamed).join("; ")
            ),
        };
        return Err(bad(
            &cfg.dir,
            format!(
                "{what}; record it as v{number} with `hyperql-compile <inputs> --versions {} --record-version` and commit the new file",
                cfg.dir.display()
            ),
        ));
    }
    let file = to_file(model, number, renamed);
    let text = serde_json::to_string_pretty(&file).map_err(|e| bad(&cfg.dir, e.to_string()))?;
    let path = cfg.dir.join(format!("v{number}.json"));
    crate::builder::write(&path, &(text + "\n"))?;
    let v = from_file(&path, file)?;
    versions.push(v);
    Ok((versions, Some(path)))
}

/// The changes from `a` to `b`, in words.
pub(crate) fn describe(a: &Model, b: &Model, renamed: &[Rename]) -> Vec<String> {
    let mut out = Vec::new();
    for c in &b.collections {
        let Some(old) = a.collection(&c.name) else {
            out.push(format!("collection `{}` added", c.name));
            continue;
        };
        let rn = |to: &str| {
            renamed
                .iter()
                .find(|r| r.collection == c.name && r.to == to)
                .map(|r| r.from.as_str())
        };
        for f in &c.fields {
            let src = rn(&f.name).unwrap_or(&f.name);
            let Some(o) = old.field(src) else {
                out.push(format!("field `{}.{}` added", c.name, f.name));
                continue;
            };
            if src != f.name {
                out.push(format!("field `{}.{src}` renamed to `{}`", c.name, f.name));
            }
            if o.ty != f.ty {
                out.push(format!(
                    "field `{}.{}` changed from {} to {}",
                    c.name,
                    f.name,
                    o.ty.hql_name(),
                    f.ty.hql_name()
                ));
            }
            if o.required != f.required {
                let what = if f.required { "now" } else { "no longer" };
                out.push(format!("field `{}.{}` {what} REQUIRED", c.name, f.name));
            }
            if o.indexed != f.indexed {
                let what = if f.indexed { "now" } else { "no longer" };
                out.push(format!("field `{}.{}` {what} INDEXED", c.name, f.name));
            }
        }
        // The declaration in the source version's field names.
        let before = c.time_series.as_ref().map(|t| TimeSeriesSpec {
            time: rn(&t.time).unwrap_or(&t.time).to_string(),
            series: t.series.as_ref().map(|s| rn(s).unwrap_or(s).to_string()),
        });
        if old.time_series != before {
            out.push(match &c.time_series {
                None => format!("`{}` is no longer a time series", c.name),
                Some(t) => format!(
                    "`{}` is now a time series on `{}`{}",
                    c.name,
                    t.time,
                    t.series
                        .as_ref()
                        .map(|s| format!(" by `{s}`"))
                        .unwrap_or_default()
                ),
            });
        }
        for o in &old.fields {
            let renamed_away = renamed
                .iter()
                .any(|r| r.collection == c.name && r.from == o.name);
            if c.field(&o.name).is_none() && !renamed_away {
                out.push(format!("field `{}.{}` removed", c.name, o.name));
            }
        }
        let order = |x: &Collection| {
            x.fields
                .iter()
                .map(|f| rn(&f.name).unwrap_or(&f.name).to_string())
                .collect::<Vec<_>>()
        };
        let old_order: Vec<String> = old
            .fields
            .iter()
            .map(|f| f.name.clone())
            .filter(|n| order(c).contains(n))
            .collect();
        let new_order: Vec<String> = order(c)
            .into_iter()
            .filter(|n| old_order.contains(n))
            .collect();
        if old_order != new_order {
            out.push(format!("fields of `{}` reordered", c.name));
        }
    }
    for c in &a.collections {
        if b.collection(&c.name).is_none() {
            out.push(format!("collection `{}` removed", c.name));
        }
    }
    out
}
