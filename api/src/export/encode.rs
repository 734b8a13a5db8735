//! Rows as text: CSV (RFC 4180, through the `csv` crate) and JSON Lines.
//! A row whose length is not its table's is an error, never cut to fit.

use super::columns::Column;
use super::rows::Cell;
use crate::error::{AppError, AppResult};
use serde_json::Value;

fn field(cell: Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Text(s) => s,
        Cell::Integer(n) => n.to_string(),
        Cell::Boolean(b) => b.to_string(),
        Cell::Json(v) => v.to_string(),
    }
}

fn misfit(columns: usize, cells: usize) -> AppError {
    AppError::Internal(format!("an export row has {cells} cells for {columns} columns"))
}

/// CSV records (RFC 4180: fields with a comma, quote or line break are
/// quoted, quotes doubled; lines end with CRLF). Empty means null.
pub struct Csv {
    writer: csv::Writer<Vec<u8>>,
}

impl Csv {
    pub fn new() -> Csv {
        Csv { writer: csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new()) }
    }

    /// Appends one record of `columns` fields.
    pub fn record(&mut self, columns: usize, cells: Vec<Cell>) -> AppResult<()> {
        if cells.len() != columns {
            return Err(misfit(columns, cells.len()));
        }
        let fields: Vec<String> = cells.into_iter().map(field).collect();
        self.writer.write_record(&fields).map_err(|e| AppError::Internal(format!("cannot write CSV: {e}")))
    }

    /// The text written.
    pub fn into_bytes(self) -> AppResult<Vec<u8>> {
        self.writer.into_inner().map_err(|e| AppError::Internal(format!("cannot write CSV: {}", e.error())))
    }
}

/// Appends one JSON object per line, keys in column order; null where empty.
pub fn json_line(out: &mut Vec<u8>, columns: &[Column], cells: Vec<Cell>) -> AppResult<()> {
    if cells.len() != columns.len() {
        return Err(misfit(columns.len(), cells.len()));
    }
    let mut object = serde_json::Map::with_capacity(columns.len());
    for (column, cell) in columns.iter().zip(cells) {
        let value = match cell {
            Cell::Null => Value::Null,
            Cell::Text(s) => Value::String(s),
            Cell::Integer(n) => Value::from(n),
            Cell::Boolean(b) => Value::Bool(b),
            Cell::Json(v) => v,
        };
        object.insert(column.name.to_owned(), value);
    }
    serde_json::to_writer(&mut *out, &object).map_err(|e| AppError::Internal(format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_leaves_nulls_empty() {
        let mut csv = Csv::new();
        let cells = vec![
            text("plain"),
            text("a, b"),
            text("say \"no\""),
            text("two\nlines"),
            Cell::Null,
            Cell::Integer(-3),
            Cell::Boolean(true),
            Cell::Json(json!(["x", "y"])),
        ];
        csv.record(8, cells).unwrap();
        let out = String::from_utf8(csv.into_bytes().unwrap()).unwrap();
        assert_eq!(out, "plain,\"a, b\",\"say \"\"no\"\"\",\"two\nlines\",,-3,true,\"[\"\"x\"\",\"\"y\"\"]\"\r\n");
        assert_eq!(Csv::new().record(3, vec![Cell::Null]).unwrap_err().code(), "INTERNAL", "a row that does not fit");
    }

    #[test]
    fn json_lines_keep_column_order_and_types() {
        use super::super::columns::{col, Kind};
        let mut out = Vec::new();
        let columns =
            [col("b", Kind::Text, true, ""), col("a", Kind::Integer, false, ""), col("c", Kind::Json, false, "")];
        json_line(&mut out, &columns, vec![Cell::Null, Cell::Integer(7), Cell::Json(json!({"k": 1}))]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"b\":null,\"a\":7,\"c\":{\"k\":1}}\n");
        let short = json_line(&mut Vec::new(), &columns, vec![Cell::Null]);
        assert_eq!(short.unwrap_err().code(), "INTERNAL", "a row that does not fit is an error, never cut");
    }
}
