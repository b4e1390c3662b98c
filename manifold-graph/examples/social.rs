//! A small social graph: typed edges, soft delete, 2-hop suggestions, a weighted path,
//! components and PageRank.
//!
//! Run with `cargo run --release -p manifold-graph --example social`.

use manifold_graph::{Bfs, Direction, Graph, PageRank, PathOptions, TypeFilter};
use uuid::Uuid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("manifold-graph-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = manifold::Database::open(dir.join("example.manifold"))?;
    let graph = Graph::open(&db.column_family_or_create("social")?, "people")?;

    let names = ["ada", "bob", "cy", "dee", "eve", "fay"];
    let id = |name: &str| {
        Uuid::from_u128(names.iter().position(|n| *n == name).unwrap_or(0) as u128 + 1)
    };
    graph.write(|w| {
        for n in names {
            w.add_vertex(id(n), "person", n.as_bytes())?;
        }
        for (a, b, cost) in [
            ("ada", "bob", 1.0),
            ("bob", "cy", 2.0),
            ("ada", "dee", 5.0),
            ("dee", "cy", 0.5),
            ("cy", "eve", 1.0),
        ] {
            w.add_edge(id(a), "follows", id(b), cost)?;
        }
        w.add_edge(id("eve"), "blocks", id("ada"), 1.0)?;
        Ok(())
    })?;

    let r = graph.reader()?;
    let follows = r.types(&["follows"])?;
    let two_hops = r.bfs(
        id("ada"),
        &Bfs {
            direction: Direction::Outgoing,
            types: follows.clone(),
            min_depth: 2,
            max_depth: 2,
        },
    )?;
    println!(
        "ada's 2-hop suggestions: {:?}",
        two_hops.iter().map(|v| label(&r, v.id)).collect::<Vec<_>>()
    );
    println!(
        "cy has {} followers",
        r.degree(id("cy"), Direction::Incoming, &follows)?
    );

    let path = r.shortest_path(
        id("ada"),
        id("eve"),
        &PathOptions {
            direction: Direction::Outgoing,
            types: follows,
        },
    )?;
    if let Some(p) = path {
        println!(
            "lightest ada -> eve: {:?} (weight {})",
            p.vertices.iter().map(|v| label(&r, *v)).collect::<Vec<_>>(),
            p.weight
        );
    }

    graph.deactivate_edge(id("ada"), "follows", id("bob"))?;
    let r = graph.reader()?;
    println!(
        "after a soft delete ada follows {:?}",
        r.neighbors(id("ada"), Direction::Outgoing, &TypeFilter::All)?
            .iter()
            .map(|v| label(&r, *v))
            .collect::<Vec<_>>()
    );

    let snap = r.snapshot(&TypeFilter::All)?;
    println!(
        "{} weakly connected component(s)",
        snap.connected_components().count
    );
    let mut ranks: Vec<(f64, String)> = snap
        .pagerank(&PageRank::default())
        .into_iter()
        .zip(snap.ids())
        .map(|(p, v)| (p, label(&r, *v)))
        .collect();
    ranks.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("PageRank: {ranks:.3?}");
    drop(db);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn label(r: &manifold_graph::GraphReader, v: Uuid) -> String {
    match r.vertex(v) {
        Ok(Some(vx)) => String::from_utf8_lossy(&vx.payload).into_owned(),
        _ => v.to_string(),
    }
}
