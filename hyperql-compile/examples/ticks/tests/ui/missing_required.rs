// An insert that leaves out a REQUIRED field (`price`) does not compile.
fn main() {
    let _ = ticks::NewTrades {
        id: None,
        symbol: "AAA".into(),
        ts: 1,
        qty: 1,
        side: None,
        flagged: None,
    };
}
