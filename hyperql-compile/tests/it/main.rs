//! probe
#[test]
fn probe() {
    use hyperql::*;
    let e = Engine::new(MemorySource::new());
    let src = e.source();
    e.query("CREATE SCHEMA trades (sym String REQUIRED INDEXED, px Float REQUIRED, qty Int, ts Timestamp REQUIRED, tag String)", &Params::new()).unwrap();
    for q in ["SELECT * FROM trades WHERE sym = $s AND qty > 3 ORDER BY px DESC LIMIT 5",
      "SELECT sym, COUNT(*) AS n, AVG(px) FROM trades GROUP BY sym HAVING COUNT(*) > 1",
      "INSERT INTO trades (sym, px, qty, ts) VALUES ($s, $p, $q, $t)",
      "UPDATE trades SET px = $p WHERE id = $id",
      "DELETE FROM trades WHERE sym IN ('a', $b)",
      "SELECT id, tag FROM trades WHERE tag IS NULL OR tag LIKE 'x%'"] {
        let st = parse_statement(q).unwrap();
        let a = plan_statement(&st, src).unwrap();
        println!("{q}\n{:#?}\n{:?}", a.plan, a.params);
    }
}
