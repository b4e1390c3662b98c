//! The build-script helper: compiles `.hql` files into `OUT_DIR` and tells Cargo to
//! rerun when they change.

use crate::compile::{Output, compile_versioned};
use crate::error::Error;
use crate::versions::Versions;
use std::path::{Path, PathBuf};

/// Compiles HyperQL files from a build script:
///
/// ```no_run
/// // build.rs
/// hyperql_compile::Builder::new()
///     .schema("hql/schema.hql")
///     .queries("hql/queries/")
///     .compile()
///     .map_err(|e| e.to_string())?;
/// # Ok::<(), String>(())
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/hyperql.rs"));`. The
/// schema used is written beside it as `hyperql.schema.json`.
///
/// With [`Builder::versions`] the generated code knows the schema history of that
/// folder and migrates stored data; a schema that differs from the newest recorded
/// version is an error telling how to record it (a build never writes into the
/// source tree).
#[derive(Clone, Debug)]
pub struct Builder {
    paths: Vec<PathBuf>,
    crate_path: String,
    out_dir: Option<PathBuf>,
    file_name: String,
    versions: Option<PathBuf>,
    as_version: Option<u64>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            paths: Vec::new(),
            crate_path: "::hyperql_compile_runtime".into(),
            out_dir: None,
            file_name: "hyperql.rs".into(),
            versions: None,
            as_version: None,
        }
    }
}

impl Builder {
    /// A builder with no inputs, writing `hyperql.rs` to `OUT_DIR`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a schema file (or folder) of `CREATE SCHEMA` statements.
    pub fn schema(mut self, path: impl AsRef<Path>) -> Self {
        self.paths.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds a query file or a folder of them.
    pub fn queries(mut self, path: impl AsRef<Path>) -> Self {
        self.paths.push(path.as_ref().to_path_buf());
        self
    }

    /// The path generated code names the runtime by (default
    /// `::hyperql_compile_runtime`), for crates that re-export it.
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.crate_path = path.into();
        self
    }

    /// Writes to `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The name of the generated file (default `hyperql.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Keeps the schema history in `dir` (one `v<N>.json` per version): the
    /// generated code knows every version and `Db::open` migrates stored data.
    pub fn versions(mut self, dir: impl AsRef<Path>) -> Self {
        self.versions = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Generates the code of an older version `n` of the history given with
    /// [`Builder::versions`] (the inputs must be that version's schema): for tests
    /// that write data as older code did.
    pub fn as_version(mut self, n: u64) -> Self {
        self.as_version = Some(n);
        self
    }

    /// Compiles without writing anything.
    pub fn generate(&self) -> Result<Output, Error> {
        let name = std::env::var("CARGO_PKG_NAME").unwrap_or_else(|_| "queries".into());
        let versions = match (&self.versions, self.as_version) {
            (Some(dir), up_to) => Some(Versions {
                dir: dir.clone(),
                up_to,
                record: false,
            }),
            (None, Some(n)) => {
                return Err(Error::Versions {
                    path: PathBuf::new(),
                    message: format!("as_version({n}) needs the history: call versions(dir)"),
                });
            }
            (None, None) => None,
        };
        compile_versioned(&self.paths, &self.crate_path, versions.as_ref(), &name)
    }

    /// Compiles and writes the module and the schema JSON; prints
    /// `cargo:rerun-if-changed` for every input. Returns the module's path.
    pub fn compile(&self) -> Result<PathBuf, Error> {
        for p in self.paths.iter().chain(&self.versions) {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        let out = self.generate()?;
        for p in &out.inputs {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        let path = dir.join(&self.file_name);
        write(&path, &out.code)?;
        let stem = self
            .file_name
            .strip_suffix(".rs")
            .unwrap_or(&self.file_name);
        write(
            &dir.join(format!("{stem}.schema.json")),
            &out.model.to_json(),
        )?;
        if let Some(tests) = &out.migration_tests {
            write(&dir.join(format!("{stem}.migration_tests.rs")), tests)?;
        }
        Ok(path)
    }
}

/// Writes `text` to `path` (creating its folder), unless the file already holds it.
pub(crate) fn write(path: &Path, text: &str) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, text).map_err(io)
}

/// Writes a whole crate at `dir`: `Cargo.toml` depending on the runtime at
/// `runtime` (a path dependency when given, else the registry version), and
/// `src/lib.rs` holding the generated module, `schema.json`, and with a schema
/// history `migration_tests.rs` (test skeletons to copy into `tests/`).
pub fn write_crate(
    dir: &Path,
    name: &str,
    runtime: Option<&Path>,
    out: &Output,
) -> Result<(), Error> {
    let dep = match runtime {
        Some(p) => format!(
            "hyperql-compile-runtime = {{ path = {:?} }}",
            p.display().to_string()
        ),
        None => format!(
            "hyperql-compile-runtime = \"{}\"",
            env!("CARGO_PKG_VERSION")
        ),
    };
    let toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n{dep}\n"
    );
    write(&dir.join("Cargo.toml"), &toml)?;
    let lib = format!(
        "//! Generated by hyperql-compile: typed functions over manifold for the queries of this crate.\n{}",
        out.code
    );
    write(&dir.join("src/lib.rs"), &lib)?;
    write(&dir.join("schema.json"), &out.model.to_json())?;
    if let Some(tests) = &out.migration_tests {
        write(&dir.join("migration_tests.rs"), tests)?;
    }
    Ok(())
}
