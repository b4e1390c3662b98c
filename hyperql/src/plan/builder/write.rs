//! Statements that write or watch a collection: INSERT (VALUES rows, documents or a
//! query's rows, with what a taken key does),
//! UPDATE, DELETE and SUBSCRIBE over the rows a target and its WHERE select, and
//! RELATE (one edge). Values written to a declared schema are checked against it.

use super::*;

impl Builder<'_> {
    /// Scan + filter of an UPDATE/DELETE/SUBSCRIBE target.
    fn target_rows(
        &mut self,
        t: &ast::TableRef,
        selection: Option<&Expr>,
    ) -> R<(Plan, Option<Arc<Schema>>)> {
        if t.args.is_some() {
            return err(t.span, "a table function is read only: use it in FROM");
        }
        let plan = self.table(t)?;
        let schema = plan.columns()[0].schema.clone();
        let plan = match selection {
            Some(w) => self.filter(plan, w, Mode::Row("WHERE"), "WHERE")?,
            None => plan,
        };
        Ok((plan, schema))
    }

    /// Checks a value written to field `key` against the declared `schema`: its
    /// type, and that a closed schema has the field (or it is a system field).
    pub(super) fn check_field(
        &mut self,
        schema: Option<&Schema>,
        key: &str,
        v: &BExpr,
        t: Type,
        span: Span,
    ) -> R<()> {
        if let Some(s) = schema {
            match s.field(key) {
                Some(f) => self.check_type(v, t, f.ty, span, &format!("field `{key}`"))?,
                None if s.closed && !self.source.system_fields().contains(&key) => {
                    return err(span, format!("unknown column `{key}`"));
                }
                None => {}
            }
        }
        Ok(())
    }

    /// `INSERT`: the documents to write, checked against a declared schema.
    pub(super) fn insert(&mut self, ins: &ast::Insert) -> R<Plan> {
        let name = &ins.target.collection;
        let schema = self.source.schema(&name.name).filter(|s| s.declared);
        let (docs, input) = match &ins.source {
            ast::InsertSource::Values { columns, rows } => (
                self.insert_values(name, schema.as_ref(), columns, rows)?,
                None,
            ),
            ast::InsertSource::Documents(ds) => (self.insert_documents(schema.as_ref(), ds)?, None),
            ast::InsertSource::Query { columns, query } => {
                let rows = self.insert_rows(name, schema.as_ref(), columns, query)?;
                (Vec::new(), Some(Box::new(rows)))
            }
        };
        let on_conflict = match &ins.on_conflict {
            None => None,
            Some(ast::OnConflict::Nothing) => Some(Conflict::Nothing),
            Some(ast::OnConflict::Merge) => Some(Conflict::Merge),
            Some(ast::OnConflict::Update(sets)) => Some(self.conflict_update(ins, sets)?),
        };
        Ok(Plan::Insert {
            collection: name.name.clone(),
            entity: ins.target.entity.as_ref().map(|e| e.name.clone()),
            docs,
            input,
            on_conflict,
        })
    }

    /// `INSERT INTO name [(columns)] query`: the query's rows as one document each
    /// (column 0), fields named by `columns` or the query's column names.
    fn insert_rows(
        &mut self,
        name: &ast::Ident,
        schema: Option<&Schema>,
        columns: &[ast::Ident],
        query: &ast::Query,
    ) -> R<Plan> {
        let plan = self.query(query)?;
        let cols = plan.columns();
        if !columns.is_empty() && columns.len() != cols.len() {
            return err(
                query.span,
                format!(
                    "INSERT names {} columns but its query returns {}",
                    columns.len(),
                    cols.len()
                ),
            );
        }
        let mut kv = Vec::new();
        for (i, c) in cols.iter().enumerate() {
            let field = columns.get(i).map_or(c.name.clone(), |n| n.name.clone());
            if kv.iter().any(|(k, _)| *k == field) {
                return err(
                    query.span,
                    format!(
                        "INSERT would write field `{field}` twice; name the columns: INSERT INTO {} (a, b, ..) SELECT ..",
                        name.name
                    ),
                );
            }
            self.check_field(schema, &field, &BExpr::Col(i), c.ty, query.span)?;
            kv.push((field, BExpr::Col(i)));
        }
        Ok(Plan::Project {
            input: Box::new(plan),
            exprs: vec![BExpr::Object(kv)],
            columns: vec![Column::value("document", Type::Object)],
        })
    }

    /// `ON CONFLICT DO UPDATE SET ..`: the values are bound over the stored
    /// document (the target's alias or name) and `excluded` (the row not inserted).
    fn conflict_update(
        &mut self,
        ins: &ast::Insert,
        sets: &[(Vec<ast::Ident>, Expr)],
    ) -> R<Conflict> {
        let schema = self
            .source
            .schema(&ins.target.collection.name)
            .map(Arc::new);
        let target = ins.target.alias.as_ref().unwrap_or(&ins.target.collection);
        let doc = |binding: &str| Column {
            binding: Some(binding.to_string()),
            name: binding.to_string(),
            ty: Type::Object,
            schema: schema.clone(),
        };
        let scope = vec![doc(&target.name), doc("excluded")];
        let mut out = Vec::new();
        for (path, e) in sets {
            let (b, _) = self.expr(e, &scope, Mode::Row("ON CONFLICT DO UPDATE"))?;
            out.push((path.iter().map(|p| p.name.clone()).collect(), b));
        }
        Ok(Conflict::Update(out))
    }

    /// `INSERT INTO name [(columns)] VALUES (..), ..`: one document per row; without a
    /// column list the declared schema's fields, in order.
    fn insert_values(
        &mut self,
        name: &ast::Ident,
        schema: Option<&Schema>,
        columns: &[ast::Ident],
        rows: &[Vec<Expr>],
    ) -> R<Vec<BExpr>> {
        let cols: Vec<String> = if columns.is_empty() {
            match schema {
                Some(s) => s.fields.iter().map(|f| f.name.clone()).collect(),
                None => {
                    return err(
                        name.span,
                        "INSERT without a column list needs a declared schema",
                    );
                }
            }
        } else {
            columns.iter().map(|c| c.name.clone()).collect()
        };
        let mut docs = Vec::new();
        for row in rows {
            if row.len() != cols.len() {
                return err(
                    row.first().map_or(name.span, |e| e.span),
                    format!("row has {} values for {} columns", row.len(), cols.len()),
                );
            }
            let mut kv = Vec::new();
            for (c, e) in cols.iter().zip(row) {
                let (b, t) = self.expr(e, &[], Mode::Row("VALUES"))?;
                self.check_field(schema, c, &b, t, e.span)?;
                kv.push((c.clone(), b));
            }
            docs.push(BExpr::Object(kv));
        }
        Ok(docs)
    }

    /// `INSERT INTO name {..}, ..`: the fields of object literals are checked.
    fn insert_documents(&mut self, schema: Option<&Schema>, ds: &[Expr]) -> R<Vec<BExpr>> {
        let mut docs = Vec::new();
        for d in ds {
            if let ExprKind::Object(kv) = &d.kind {
                for (k, v) in kv {
                    let (b, t) = self.expr(v, &[], Mode::Row("INSERT"))?;
                    self.check_field(schema, k, &b, t, v.span)?;
                }
            }
            docs.push(self.expr(d, &[], Mode::Row("INSERT"))?.0);
        }
        Ok(docs)
    }

    /// `UPDATE .. SET path = e`: a top-level field of a declared schema keeps its type;
    /// a closed schema accepts only its fields.
    pub(super) fn update(&mut self, u: &ast::Update) -> R<Plan> {
        let (input, schema) = self.target_rows(&u.target, u.selection.as_ref())?;
        let scope = input.columns();
        let mut assignments = Vec::new();
        for (path, e) in &u.assignments {
            let (b, t) = self.expr(e, &scope, Mode::Row("UPDATE"))?;
            if let Some(f) = schema
                .as_ref()
                .filter(|s| s.declared)
                .and_then(|s| s.field(&path[0].name))
            {
                if path.len() == 1 {
                    self.check_type(&b, t, f.ty, e.span, &format!("field `{}`", f.name))?;
                }
            } else if schema.as_ref().is_some_and(|s| s.declared && s.closed) {
                return err(path[0].span, format!("unknown column `{}`", path[0].name));
            }
            assignments.push((path.iter().map(|i| i.name.clone()).collect(), b));
        }
        Ok(Plan::Update {
            input: Box::new(input),
            collection: u.target.collection.name.clone(),
            assignments,
        })
    }

    /// `DELETE FROM .. [WHERE ..]`.
    pub(super) fn delete(&mut self, d: &ast::Delete) -> R<Plan> {
        let (input, _) = self.target_rows(&d.target, d.selection.as_ref())?;
        Ok(Plan::Delete {
            input: Box::new(input),
            collection: d.target.collection.name.clone(),
        })
    }

    /// `SUBSCRIBE .. [WHERE ..]`: the rows to watch.
    pub(super) fn subscribe(&mut self, s: &ast::Subscribe) -> R<Plan> {
        let (input, _) = self.target_rows(&s.target, s.selection.as_ref())?;
        Ok(Plan::Subscribe {
            input: Box::new(input),
        })
    }

    /// `RELATE a -[:label {props}]-> b`; an edge written `<-` is stored from `b` to `a`.
    pub(super) fn relate(&mut self, r: &ast::Relate) -> R<Plan> {
        let (from, _) = self.expr(&r.from, &[], Mode::Row("RELATE"))?;
        let (to, _) = self.expr(&r.to, &[], Mode::Row("RELATE"))?;
        let mut props = Vec::new();
        for (k, v) in &r.props {
            props.push((k.clone(), self.expr(v, &[], Mode::Row("RELATE"))?.0));
        }
        let (from, to) = if r.direction == ast::Direction::In {
            (to, from)
        } else {
            (from, to)
        };
        Ok(Plan::Relate {
            from,
            to,
            label: r.label.name.clone(),
            props,
        })
    }

    /// `RELAYOUT`: option values are row-free expressions (literals, `$params`).
    pub(super) fn relayout(&mut self, r: &ast::Relayout) -> R<Plan> {
        let mut options = Vec::with_capacity(r.options.len());
        for (k, v) in &r.options {
            options.push((k.name.clone(), self.expr(v, &[], Mode::Row("RELAYOUT"))?.0));
        }
        Ok(Plan::Relayout {
            collection: r.collection.name.clone(),
            options,
        })
    }
}
