//! Printing results as a table (comfy-table), JSON or CSV (csv).

use super::args::Format;
use super::backend::ResultSet;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value as JsonValue;
use std::io::{self, Write};

/// Writes `results` to `out` in `format`.
pub fn render(results: &[ResultSet], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            let text = match results {
                [one] => serde_json::to_string_pretty(one),
                all => serde_json::to_string_pretty(all),
            }
            .map_err(io::Error::other)?;
            writeln!(out, "{text}")
        }
        Format::Table => {
            for r in results {
                table(r, out)?;
            }
            Ok(())
        }
        Format::Csv => {
            for (i, r) in results.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                csv(r, out)?;
            }
            Ok(())
        }
    }
}

/// A value as one cell: text as is, `null` as `null_as`, the rest as compact JSON.
fn cell(v: &JsonValue, null_as: &str) -> String {
    match v {
        JsonValue::Null => null_as.to_string(),
        JsonValue::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A write answers no rows, only a count.
fn is_write(r: &ResultSet) -> bool {
    r.affected.is_some() && r.rows.is_empty()
}

fn table(r: &ResultSet, out: &mut dyn Write) -> io::Result<()> {
    if !r.columns.is_empty() && !is_write(r) {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        // Wraps to the terminal's width on a terminal; never wraps otherwise.
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_header(r.columns.clone());
        for row in &r.rows {
            t.add_row(row.iter().map(|v| cell(v, "NULL")).collect::<Vec<_>>());
        }
        writeln!(out, "{t}")?;
        let n = r.rows.len();
        writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" })?;
    }
    if let Some(n) = r.affected {
        writeln!(out, "affected: {n}")?;
    } else if r.columns.is_empty() {
        writeln!(out, "OK")?;
    }
    Ok(())
}

fn csv(r: &ResultSet, out: &mut dyn Write) -> io::Result<()> {
    if let (true, Some(n)) = (is_write(r), r.affected) {
        return writeln!(out, "affected\n{n}");
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&r.columns)?;
    for row in &r.rows {
        w.write_record(row.iter().map(|v| cell(v, "")))?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> ResultSet {
        ResultSet {
            columns: vec!["name".into(), "tags".into(), "age".into()],
            rows: vec![
                vec![json!("Ada, L."), json!(["x"]), json!(36)],
                vec![json!("Bob"), json!(null), json!(17)],
            ],
            affected: None,
            stats: JsonValue::Null,
        }
    }

    fn text(format: Format, r: &[ResultSet]) -> String {
        let mut out = Vec::new();
        render(r, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_and_nulls() {
        let t = text(Format::Csv, &[sample()]);
        assert_eq!(
            t,
            "name,tags,age\n\"Ada, L.\",\"[\"\"x\"\"]\",36\nBob,,17\n"
        );
    }

    #[test]
    fn table_has_cells_and_count() {
        let t = text(Format::Table, &[sample()]);
        assert!(t.contains("Ada, L."), "{t}");
        assert!(t.contains("NULL"), "{t}");
        assert!(t.ends_with("(2 rows)\n"), "{t}");
        let w = ResultSet {
            affected: Some(3),
            ..ResultSet::default()
        };
        assert_eq!(text(Format::Table, &[w]), "affected: 3\n");
    }

    #[test]
    fn json_one_is_an_object_many_a_list() {
        let one: JsonValue = serde_json::from_str(&text(Format::Json, &[sample()])).unwrap();
        assert!(one.is_object());
        let many: JsonValue =
            serde_json::from_str(&text(Format::Json, &[sample(), sample()])).unwrap();
        assert_eq!(many.as_array().map(Vec::len), Some(2));
    }
}
