//! Bound expressions (hyperql's `BExpr`) compiled to Rust expressions with SQL's
//! three-valued logic: a nullable value is an `Option`, a condition that may be
//! unknown is an `Option<bool>`, `WHERE` keeps `Some(true)`.

use super::types::RTy;
use crate::schema::Collection;
use hyperql::{BExpr, BinaryOp, Builtin, Type, UnaryOp, Value};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

/// A construct the compiler cannot compile, named.
pub(crate) type R<T> = Result<T, String>;

/// What an input column of the expression's scope holds.
#[derive(Clone)]
pub(crate) enum Col {
    /// A document of `coll`, in the variable `var`: its row struct, or with `views`
    /// a struct of the fields read with text as `&str`.
    Doc {
        var: Ident,
        coll: Collection,
        views: bool,
    },
    /// The edge of a TRAVERSE step, a `Trail` in `var` (fields only for one hop).
    Edge {
        var: Ident,
        label: String,
        one_hop: bool,
    },
    /// A value at an owned place (`r.0`, `k.1`, `a0`).
    Val {
        place: TokenStream,
        ty: RTy,
        nullable: bool,
    },
}

/// A compiled expression: Rust code evaluating to a view of type `ty`, an `Option`
/// of it when `nullable`.
#[derive(Clone)]
pub(crate) struct CExpr {
    pub ts: TokenStream,
    pub ty: RTy,
    pub nullable: bool,
}

impl CExpr {
    fn new(ts: TokenStream, ty: RTy, nullable: bool) -> Self {
        CExpr { ts, ty, nullable }
    }

    /// The value as an `Option` whatever its nullability.
    fn opt(&self) -> TokenStream {
        let ts = &self.ts;
        if self.nullable {
            ts.clone()
        } else {
            quote!(::std::option::Option::Some(#ts))
        }
    }

    /// The owned value.
    pub(crate) fn owned(&self) -> TokenStream {
        self.ty.to_owned(self.ts.clone(), self.nullable)
    }

    /// A plain `bool` that is true unless the condition is `TRUE` (rows to skip).
    pub(crate) fn is_not_true(&self) -> TokenStream {
        let ts = &self.ts;
        if self.nullable {
            quote!((#ts != ::std::option::Option::Some(true)))
        } else {
            quote!((!#ts))
        }
    }
}

/// Compiles expressions of one query.
pub(crate) struct Exprs<'a> {
    pub rt: TokenStream,
    pub params: &'a BTreeMap<String, Type>,
    /// Set when the query calls `EMBED(...)` (the `Db` then gets its embedder API).
    pub embeds: std::cell::Cell<bool>,
}

fn param_ident(name: &str) -> R<Ident> {
    super::names::ident(name).ok_or_else(|| format!("parameter name `${name}`"))
}

impl Exprs<'_> {
    /// The Rust type of parameter `name` as an argument (`&str`, `i64`, `&[f32; 384]`).
    pub(crate) fn param_arg(&self, name: &str) -> R<(Ident, TokenStream)> {
        let id = param_ident(name)?;
        let ty = match self.params.get(name).copied().unwrap_or(Type::Any) {
            Type::String => quote!(&str),
            Type::Int | Type::Timestamp => quote!(i64),
            Type::Float => quote!(f64),
            Type::Bool => quote!(bool),
            Type::Vector(Some(n)) => quote!(&[f32; #n]),
            Type::Vector(None) => quote!(&[f32]),
            t => {
                return Err(format!(
                    "parameter `${name}` of type {t} (compare it with a typed field so its type is known)"
                ));
            }
        };
        Ok((id, ty))
    }

    pub(crate) fn expr(&self, e: &BExpr, scope: &[Col]) -> R<CExpr> {
        match e {
            BExpr::Lit(v) => lit(v),
            BExpr::Param(name) => {
                let id = param_ident(name)?;
                let t = self.params.get(name).copied().unwrap_or(Type::Any);
                let ty =
                    RTy::of_type(t).ok_or_else(|| format!("parameter `${name}` of type {t}"))?;
                let ts = match ty {
                    RTy::Vector(_) => quote!({ let v: &[f32] = #id; v }),
                    _ => quote!(#id),
                };
                Ok(CExpr::new(ts, ty, false))
            }
            BExpr::Col(i) => match scope.get(*i) {
                Some(Col::Val {
                    place,
                    ty,
                    nullable,
                }) => Ok(CExpr::new(
                    ty.view(place.clone(), *nullable),
                    *ty,
                    *nullable,
                )),
                Some(Col::Doc { .. }) => Err("a whole document as a value".into()),
                Some(Col::Edge { .. }) => Err("a whole edge as a value".into()),
                None => Err(format!("column {i}")),
            },
            BExpr::Field(i, path) => match scope.get(*i) {
                Some(Col::Doc { var, coll, views }) => field(var, coll, *views, path),
                Some(Col::Edge {
                    var,
                    label,
                    one_hop,
                }) => super::traverse::edge_field(var, label, *one_hop, path),
                _ => Err(format!("field path `{}` on a value", path.join("."))),
            },
            BExpr::Unary(UnaryOp::Not, x) => {
                let x = self.expr(x, scope)?;
                want_bool(&x, "NOT")?;
                Ok(not(x))
            }
            BExpr::Unary(UnaryOp::Neg, x) => {
                let x = self.expr(x, scope)?;
                let rt = &self.rt;
                let f = match x.ty {
                    RTy::Int => quote!(v.checked_neg().ok_or_else(#rt::Error::overflow)?),
                    RTy::Float => quote!(-v),
                    t => return Err(format!("unary `-` on {t:?}")),
                };
                Ok(map1(x, f, None))
            }
            BExpr::Binary(op, a, b) => {
                let (a, b) = (self.expr(a, scope)?, self.expr(b, scope)?);
                self.binary(*op, a, b)
            }
            BExpr::IsNull(x, negated) => {
                let x = self.expr(x, scope)?;
                let ts = &x.ts;
                let ts = match (x.ty, x.nullable, *negated) {
                    (RTy::Null, _, n) => quote!(#n),
                    (_, true, false) => quote!(#ts.is_none()),
                    (_, true, true) => quote!(#ts.is_some()),
                    (_, false, n) => quote!(#n),
                };
                Ok(CExpr::new(ts, RTy::Bool, false))
            }
            BExpr::Between(x, lo, hi, negated) => {
                let x = self.expr(x, scope)?;
                let (lo, hi) = (self.expr(lo, scope)?, self.expr(hi, scope)?);
                let ge = self.binary(BinaryOp::GtEq, x.clone(), lo)?;
                let le = self.binary(BinaryOp::LtEq, x, hi)?;
                let both = logic(BinaryOp::And, ge, le);
                Ok(if *negated { not(both) } else { both })
            }
            BExpr::InList(x, list, negated) => {
                let x = self.expr(x, scope)?;
                let mut acc: Option<CExpr> = None;
                for item in list {
                    let eq = self.binary(BinaryOp::Eq, x.clone(), self.expr(item, scope)?)?;
                    acc = Some(match acc {
                        None => eq,
                        Some(a) => logic(BinaryOp::Or, a, eq),
                    });
                }
                // An empty list holds nothing: `IN ()` is false, `NOT IN ()` true.
                let Some(any) = acc else {
                    return lit(&Value::Bool(*negated));
                };
                Ok(if *negated { not(any) } else { any })
            }
            BExpr::Like(x, p, negated) => {
                let (x, p) = (self.expr(x, scope)?, self.expr(p, scope)?);
                if x.ty != RTy::Str || p.ty != RTy::Str {
                    return Err("LIKE on a value that is not text".into());
                }
                let rt = &self.rt;
                let m = map2(x, p, |a, b| quote!(#rt::like(#a, #b)), RTy::Bool);
                Ok(if *negated { not(m) } else { m })
            }
            BExpr::Builtin(f @ (Builtin::Similarity | Builtin::Distance), args) => {
                self.vector_fn(*f, args, scope)
            }
            BExpr::Builtin(Builtin::TimeBucket, args) => self.time_bucket(args, scope),
            BExpr::Builtin(f, _) => Err(format!("function {}", f.name())),
            BExpr::External(f, _) if super::embed::is_embed(e) => Err(format!(
                "{}(...) other than as the query vector of a k-NN (`ORDER BY SIMILARITY(v, EMBED($text)) DESC LIMIT k`) or the value of a vector field in an INSERT",
                f.0.name()
            )),
            BExpr::External(f, _) => Err(format!("function {}", f.0.name())),
            BExpr::SimilarTo(..) => Err("SIMILAR TO".into()),
            BExpr::Near(..) => Err("NEAR ... WITHIN".into()),
            BExpr::DistanceFrom(..) => Err("DISTANCE FROM".into()),
            BExpr::Case(..) => Err("CASE".into()),
            BExpr::Array(_) => Err("an array literal".into()),
            BExpr::Object(_) => Err("an object literal".into()),
            BExpr::Subquery(_) | BExpr::Correlated(_) | BExpr::Outer(_) => Err("a subquery".into()),
            BExpr::Endpoint { .. } => Err("an endpoint read (collection[key].path)".into()),
        }
    }

    /// `TIME_BUCKET('1h', t)`: the start of `t`'s bucket (`t.div_euclid(w) * w`, a
    /// Timestamp), the width a literal parsed here with hyperql's interval rules.
    fn time_bucket(&self, args: &[BExpr], scope: &[Col]) -> R<CExpr> {
        let width = match args.first() {
            Some(BExpr::Lit(Value::String(w))) => hyperql::parse_interval(w)
                .ok_or_else(|| format!("TIME_BUCKET with the width `{w}`"))?,
            Some(BExpr::Lit(Value::Interval(w))) => *w,
            _ => return Err("TIME_BUCKET with a width that is not a literal".into()),
        };
        if width <= 0 {
            return Err("TIME_BUCKET with a width that is not positive".into());
        }
        let t = self.expr(args.get(1).ok_or("TIME_BUCKET without a time")?, scope)?;
        if !matches!(t.ty, RTy::Int | RTy::Ts) {
            return Err(format!("TIME_BUCKET of a {:?} value", t.ty));
        }
        let rt = &self.rt;
        Ok(map1(
            t,
            quote!(v.div_euclid(#width).checked_mul(#width).ok_or_else(#rt::Error::overflow)?),
            Some(RTy::Ts),
        ))
    }

    /// `SIMILARITY(a, b[, metric])` or `DISTANCE(..)`: exact, on manifold-vectors'
    /// kernels; the metric must be a literal.
    fn vector_fn(&self, f: Builtin, args: &[BExpr], scope: &[Col]) -> R<CExpr> {
        let metric = match args.get(2) {
            None => "cosine".to_string(),
            Some(BExpr::Lit(Value::String(m))) => m.to_ascii_lowercase(),
            Some(_) => return Err(format!("{} with a metric that is not a literal", f.name())),
        };
        let m = match metric.as_str() {
            "cosine" => quote!(Cosine),
            "dot" => quote!(Dot),
            "euclidean" | "l2" => quote!(L2),
            "manhattan" | "l1" => quote!(L1),
            other => return Err(format!("{} with the metric `{other}`", f.name())),
        };
        let [a, b, ..] = args else {
            return Err(format!("{} with fewer than two arguments", f.name()));
        };
        let (a, b) = (self.expr(a, scope)?, self.expr(b, scope)?);
        let (RTy::Vector(da), RTy::Vector(db)) = (a.ty, b.ty) else {
            return Err(format!("{} of values that are not vectors", f.name()));
        };
        if let (Some(x), Some(y)) = (da, db)
            && x != y
        {
            return Err(format!("{} of vectors of {x} and {y} dimensions", f.name()));
        }
        let rt = &self.rt;
        let func = if f == Builtin::Distance {
            quote!(distance)
        } else {
            quote!(similarity)
        };
        Ok(map2(
            a,
            b,
            |x, y| quote!(#rt::#func(#rt::Metric::#m, #x, #y)),
            RTy::Float,
        ))
    }

    fn binary(&self, op: BinaryOp, a: CExpr, b: CExpr) -> R<CExpr> {
        use BinaryOp::*;
        let rt = &self.rt;
        match op {
            And | Or => {
                want_bool(&a, "AND/OR")?;
                want_bool(&b, "AND/OR")?;
                Ok(logic(op, a, b))
            }
            Eq | NotEq | Lt | LtEq | Gt | GtEq => {
                if a.ty == RTy::Null || b.ty == RTy::Null {
                    return Ok(CExpr::new(
                        quote!(::std::option::Option::<bool>::None),
                        RTy::Bool,
                        true,
                    ));
                }
                let sym = match op {
                    Eq => quote!(==),
                    NotEq => quote!(!=),
                    Lt => quote!(<),
                    LtEq => quote!(<=),
                    Gt => quote!(>),
                    _ => quote!(>=),
                };
                let (a, b) = coerce(a, b)?;
                if matches!(a.ty, RTy::Vector(_)) {
                    return Err("comparing vectors".into());
                }
                Ok(map2(a, b, |x, y| quote!(#x #sym #y), RTy::Bool))
            }
            Add | Sub | Mul | Div | Mod => {
                if !a.ty.numeric() || !b.ty.numeric() {
                    return Err(format!(
                        "arithmetic `{}` on {:?} and {:?}",
                        op.symbol(),
                        a.ty,
                        b.ty
                    ));
                }
                let (a, b) = coerce(a, b)?;
                let ty = a.ty;
                let body = match (ty, op) {
                    (RTy::Int, Add) => quote!(x.checked_add(y).ok_or_else(#rt::Error::overflow)?),
                    (RTy::Int, Sub) => quote!(x.checked_sub(y).ok_or_else(#rt::Error::overflow)?),
                    (RTy::Int, Mul) => quote!(x.checked_mul(y).ok_or_else(#rt::Error::overflow)?),
                    (RTy::Int, Div) => quote!({
                        if y == 0 { return Err(#rt::Error::div_zero()); }
                        x.checked_div(y).ok_or_else(#rt::Error::overflow)?
                    }),
                    (RTy::Int, _) => quote!({
                        if y == 0 { return Err(#rt::Error::div_zero()); }
                        x.checked_rem(y).ok_or_else(#rt::Error::overflow)?
                    }),
                    (_, Add) => quote!((x + y)),
                    (_, Sub) => quote!((x - y)),
                    (_, Mul) => quote!((x * y)),
                    (_, Div) => quote!({
                        if y == 0.0 { return Err(#rt::Error::div_zero()); }
                        x / y
                    }),
                    (_, _) => quote!({
                        if y == 0.0 { return Err(#rt::Error::div_zero()); }
                        x % y
                    }),
                };
                Ok(map2(
                    a,
                    b,
                    |x, y| quote!({ let (x, y) = (#x, #y); #body }),
                    ty,
                ))
            }
            Concat => Err("`||` (string concatenation)".into()),
        }
    }
}

fn lit(v: &Value) -> R<CExpr> {
    Ok(match v {
        Value::Null => CExpr::new(quote!(::std::option::Option::<()>::None), RTy::Null, true),
        Value::Bool(b) => CExpr::new(quote!(#b), RTy::Bool, false),
        Value::Int(i) => CExpr::new(quote!(#i), RTy::Int, false),
        Value::Float(f) => CExpr::new(quote!(#f), RTy::Float, false),
        Value::String(s) => {
            let s: &str = s;
            CExpr::new(quote!(#s), RTy::Str, false)
        }
        other => return Err(format!("the literal {}", other.type_name())),
    })
}

/// A field of a document variable.
fn field(var: &Ident, coll: &Collection, views: bool, path: &[String]) -> R<CExpr> {
    let [name] = path else {
        return Err(format!("nested field path `{}`", path.join(".")));
    };
    if name == "id" {
        return Ok(CExpr::new(quote!(#var.id), RTy::Int, false));
    }
    let f = coll.field(name).ok_or_else(|| {
        format!(
            "field `{}.{name}` whose type is not known (declare it with CREATE SCHEMA)",
            coll.name
        )
    })?;
    let id = super::names::ident(name).ok_or_else(|| format!("field name `{name}`"))?;
    let ty = RTy::of_field(f.ty);
    let place = quote!(#var.#id);
    Ok(CExpr::new(
        if views && ty == RTy::Str {
            place
        } else {
            ty.view(place, !f.required)
        },
        ty,
        !f.required,
    ))
}

fn want_bool(x: &CExpr, what: &str) -> R<()> {
    if matches!(x.ty, RTy::Bool | RTy::Null) {
        Ok(())
    } else {
        Err(format!("{what} on a {:?} value", x.ty))
    }
}

/// Int meets Float: the Int side is widened.
fn coerce(a: CExpr, b: CExpr) -> R<(CExpr, CExpr)> {
    let widen = |x: CExpr| map1(x, quote!((v as f64)), Some(RTy::Float));
    Ok(match (a.ty, b.ty) {
        (RTy::Int, RTy::Float) => (widen(a), b),
        (RTy::Float, RTy::Int) => (a, widen(b)),
        (x, y) if x == y => (a, b),
        (RTy::Ts, RTy::Int) | (RTy::Int, RTy::Ts) => (a, b),
        (RTy::Vector(_), RTy::Vector(_)) => (a, b),
        (x, y) => return Err(format!("comparing {x:?} with {y:?}")),
    })
}

/// `f(v)` over one value, `None` staying `None`.
fn map1(x: CExpr, f: TokenStream, ty: Option<RTy>) -> CExpr {
    let ty = ty.unwrap_or(x.ty);
    let ts = &x.ts;
    if x.nullable {
        CExpr::new(
            quote!(match #ts { ::std::option::Option::Some(v) => ::std::option::Option::Some(#f), ::std::option::Option::None => ::std::option::Option::None }),
            ty,
            true,
        )
    } else {
        CExpr::new(quote!({ let v = #ts; #f }), ty, false)
    }
}

/// `f(x, y)` over two values: `None` when either is `None`.
fn map2(a: CExpr, b: CExpr, f: impl Fn(TokenStream, TokenStream) -> TokenStream, ty: RTy) -> CExpr {
    if !a.nullable && !b.nullable {
        let body = f(quote!(x), quote!(y));
        let (x, y) = (&a.ts, &b.ts);
        return CExpr::new(quote!({ let (x, y) = (#x, #y); #body }), ty, false);
    }
    let (x, y) = (a.opt(), b.opt());
    let body = f(quote!(x), quote!(y));
    CExpr::new(
        quote!(match (#x, #y) {
            (::std::option::Option::Some(x), ::std::option::Option::Some(y)) => ::std::option::Option::Some(#body),
            _ => ::std::option::Option::None,
        }),
        ty,
        true,
    )
}

fn not(x: CExpr) -> CExpr {
    let ts = &x.ts;
    if x.nullable {
        CExpr::new(quote!(#ts.map(|b: bool| !b)), RTy::Bool, true)
    } else {
        CExpr::new(quote!((!#ts)), RTy::Bool, false)
    }
}

/// Three-valued `AND` / `OR`.
fn logic(op: BinaryOp, a: CExpr, b: CExpr) -> CExpr {
    let and = op == BinaryOp::And;
    if !a.nullable && !b.nullable {
        let (x, y) = (&a.ts, &b.ts);
        let ts = if and {
            quote!((#x && #y))
        } else {
            quote!((#x || #y))
        };
        return CExpr::new(ts, RTy::Bool, false);
    }
    let (x, y) = (a.opt(), b.opt());
    let (dominant, other) = if and { (false, true) } else { (true, false) };
    CExpr::new(
        quote!(match (#x, #y) {
            (::std::option::Option::Some(#dominant), _) | (_, ::std::option::Option::Some(#dominant)) => ::std::option::Option::Some(#dominant),
            (::std::option::Option::Some(#other), ::std::option::Option::Some(#other)) => ::std::option::Option::Some(#other),
            _ => ::std::option::Option::None,
        }),
        RTy::Bool,
        true,
    )
}
