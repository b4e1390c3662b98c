//! Errors of the compiler: diagnostics placed in a file, I/O, and generated code that
//! does not parse (a bug of the compiler, reported rather than written out).

use std::fmt;
use std::path::PathBuf;

/// One error in an input file: hyperql's diagnostic (line, column, message, what was
/// found and expected, in the form of the interpreted engine's) and the file it is in.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// Where in the file, and what is wrong.
    pub at: hyperql::Diagnostic,
}

impl Diagnostic {
    /// A diagnostic from one of hyperql's, placed in `file`.
    pub(crate) fn from_hyperql(file: &std::path::Path, d: hyperql::Diagnostic) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            at: d,
        }
    }

    /// A diagnostic at `span` of `text`, the contents of `file`.
    pub(crate) fn at(
        file: &std::path::Path,
        text: &str,
        span: hyperql::Span,
        message: impl Into<String>,
    ) -> Self {
        Self::from_hyperql(file, hyperql::Diagnostic::new(text, span, message, vec![]))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.at.line,
            self.at.column,
            self.at.detail()
        )
    }
}

/// Every diagnostic of one compilation, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Any error of the compiler.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is wrong, or uses a construct the compiler cannot compile.
    #[error("{0}")]
    Input(#[from] Diagnostics),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The versions folder is wrong, or the schema changed without a recorded version.
    #[error("{path}: {message}")]
    Versions {
        /// The version file or folder.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// The generated code does not parse: a bug of the compiler.
    #[error("generated code does not parse (a bug of hyperql-compile): {0}")]
    Generated(#[source] syn::Error),
    /// A `Builder` run outside a build script (no `OUT_DIR`).
    #[error("OUT_DIR is not set: Builder::compile runs in a build script (or set out_dir)")]
    NoOutDir,
}

/// The result of compiler steps that report several diagnostics.
pub(crate) type Diag<T> = Result<T, Vec<Diagnostic>>;
