//! The demo data set in memory: topics, authors, papers with their edges, and daily
//! views per topic, generated from a fixed seed.

use super::words::{
    ADJECTIVES, AFFILIATIONS, AREAS, DATASETS, FIRST_NAMES, LAST_NAMES, METHODS, ROOT,
};
use crate::rng::SplitMix64;
use std::collections::HashSet;

/// The seed of the demo data set.
pub const SEED: u64 = 0x4859_5045_5253_5043;
/// Number of authors.
pub const AUTHORS: usize = 600;
/// Number of papers.
pub const PAPERS: usize = 2400;
/// First year of publication.
pub const FIRST_YEAR: i64 = 2000;
/// Years of publication (the last is `FIRST_YEAR + YEARS - 1`).
pub const YEARS: i64 = 25;
/// First day of the view counts: 2024-01-01T00:00:00Z, in microseconds.
pub const FIRST_DAY_US: i64 = 1_704_067_200_000_000;
/// Days of view counts (all of 2024).
pub const DAYS: i64 = 366;
/// One day in microseconds.
pub const DAY_US: i64 = 86_400_000_000;

/// A topic of the hierarchy (level 0 root, 1 area, 2 subtopic).
#[derive(Clone, Debug, PartialEq)]
pub struct Topic {
    /// External id.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Depth in the hierarchy.
    pub level: i64,
    /// Index of the parent topic.
    pub parent: Option<usize>,
}

/// An author.
#[derive(Clone, Debug, PartialEq)]
pub struct Author {
    /// External id (`a0001` ..).
    pub key: String,
    /// Full name.
    pub name: String,
    /// Affiliation.
    pub affiliation: String,
}

/// A paper and its outgoing edges.
#[derive(Clone, Debug, PartialEq)]
pub struct Paper {
    /// External id (`p0001` ..).
    pub key: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// Year of publication.
    pub year: i64,
    /// Venue.
    pub venue: String,
    /// Number of papers of the set citing it.
    pub citations: i64,
    /// Indices of the subtopics it is about (the first is the main one).
    pub topics: Vec<usize>,
    /// Indices of its authors.
    pub authors: Vec<usize>,
    /// Indices of the (older) papers it cites.
    pub cites: Vec<usize>,
}

/// Views and downloads of one topic's papers on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewRow {
    /// Index of the subtopic.
    pub topic: usize,
    /// The day, in microseconds since the Unix epoch (midnight UTC).
    pub day_us: i64,
    /// Views.
    pub views: f64,
    /// Downloads.
    pub downloads: f64,
}

/// The whole demo data set.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoSet {
    /// Topics: root, areas and subtopics.
    pub topics: Vec<Topic>,
    /// Authors.
    pub authors: Vec<Author>,
    /// Papers, oldest first.
    pub papers: Vec<Paper>,
    /// Daily views per subtopic.
    pub views: Vec<ViewRow>,
}

impl DemoSet {
    /// Edges of the set: `subtopic` (parent to child topic), `about`, `authored`, `cites`.
    pub fn edge_count(&self) -> usize {
        let subtopic = self.topics.iter().filter(|t| t.parent.is_some()).count();
        let per_paper: usize = self
            .papers
            .iter()
            .map(|p| p.topics.len() + p.authors.len() + p.cites.len())
            .sum();
        subtopic + per_paper
    }
}

/// A subtopic as the generator sees it.
struct Sub {
    index: usize,
    area: usize,
    name: &'static str,
    keywords: &'static [&'static str],
    popularity: f64,
}

/// Generates the demo data set; the same every time.
pub fn generate() -> DemoSet {
    let mut rng = SplitMix64::new(SEED);
    let (topics, subs) = topics(&mut rng);
    let authors = authors(&mut rng);
    let papers = papers(&mut rng, &subs, authors.len());
    let views = views(&mut rng, &subs);
    DemoSet {
        topics,
        authors,
        papers,
        views,
    }
}

fn topics(rng: &mut SplitMix64) -> (Vec<Topic>, Vec<Sub>) {
    let mut topics = vec![Topic {
        key: ROOT.0.into(),
        name: ROOT.1.into(),
        level: 0,
        parent: None,
    }];
    let mut subs = Vec::new();
    for (a, area) in AREAS.iter().enumerate() {
        let area_index = topics.len();
        topics.push(Topic {
            key: area.key.into(),
            name: area.name.into(),
            level: 1,
            parent: Some(0),
        });
        for s in &area.subtopics {
            subs.push(Sub {
                index: topics.len(),
                area: a,
                name: s.name,
                keywords: &s.keywords,
                popularity: 0.3 + 1.7 * rng.unit(),
            });
            topics.push(Topic {
                key: s.key.into(),
                name: s.name.into(),
                level: 2,
                parent: Some(area_index),
            });
        }
    }
    (topics, subs)
}

fn authors(rng: &mut SplitMix64) -> Vec<Author> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(AUTHORS);
    while out.len() < AUTHORS {
        let first = rng.pick(&FIRST_NAMES).copied().unwrap_or("Ada");
        let last = rng.pick(&LAST_NAMES).copied().unwrap_or("Berg");
        let mut name = format!("{first} {last}");
        if !seen.insert(name.clone()) {
            // Every pair is taken by now or soon: add a middle initial.
            let initial = char::from(b'A' + rng.below(26) as u8);
            name = format!("{first} {initial}. {last}");
            if !seen.insert(name.clone()) {
                continue;
            }
        }
        out.push(Author {
            key: format!("a{:04}", out.len() + 1),
            name,
            affiliation: rng.pick(&AFFILIATIONS).copied().unwrap_or("MIT").into(),
        });
    }
    out
}

/// Picks a subtopic with probability proportional to its popularity.
fn weighted_sub(rng: &mut SplitMix64, subs: &[Sub]) -> usize {
    let total: f64 = subs.iter().map(|s| s.popularity).sum();
    let mut x = rng.unit() * total;
    for (i, s) in subs.iter().enumerate() {
        if x < s.popularity {
            return i;
        }
        x -= s.popularity;
    }
    subs.len() - 1
}

/// Two different keywords of a subtopic.
fn two_keywords(rng: &mut SplitMix64, sub: &Sub) -> (&'static str, &'static str) {
    let n = sub.keywords.len();
    let i = rng.below(n);
    let j = (i + 1 + rng.below(n - 1)) % n;
    (sub.keywords[i], sub.keywords[j])
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn title(rng: &mut SplitMix64, k1: &str, k2: &str) -> String {
    let adj = rng.pick(&ADJECTIVES).copied().unwrap_or("Fast");
    let method = rng.pick(&METHODS).copied().unwrap_or("hashing");
    match rng.below(7) {
        0 => format!("{adj} {k1} for {k2}"),
        1 => format!("Towards {} {k1} with {k2}", adj.to_lowercase()),
        2 => format!("{} meets {k2}", capitalized(k1)),
        3 => format!("On {k1} and {k2}"),
        4 => format!("{}: a study of {k2} in practice", capitalized(k1)),
        5 => format!("Rethinking {k1} for {k2}"),
        _ => format!("{adj} {k1} via {method}"),
    }
}

fn abstract_text(rng: &mut SplitMix64, k: [&str; 3], topic: &str) -> String {
    let method = rng.pick(&METHODS).copied().unwrap_or("hashing");
    let data = rng.pick(&DATASETS).copied().unwrap_or("public benchmarks");
    let gain = 1.2 + rng.below(48) as f64 / 10.0;
    format!(
        "We study {} and its interaction with {}. Our approach combines {} with {method}. \
         Experiments on {data} show a {gain:.1}x improvement over the state of the art in {}.",
        k[0],
        k[1],
        k[2],
        topic.to_lowercase()
    )
}

/// Picks from a list where an item appears once plus once per time it was picked
/// (preferential attachment).
fn preferential(rng: &mut SplitMix64, pool: &[usize]) -> Option<usize> {
    rng.pick(pool).copied()
}

fn papers(rng: &mut SplitMix64, subs: &[Sub], n_authors: usize) -> Vec<Paper> {
    // Authors by area: each area has its own pool; productive authors grow likelier.
    let mut author_pools: Vec<Vec<usize>> = vec![Vec::new(); AREAS.len()];
    for a in 0..n_authors {
        author_pools[rng.below(AREAS.len())].push(a);
    }
    // Earlier papers by subtopic and overall, once plus once per citation.
    let mut cited_pools: Vec<Vec<usize>> = vec![Vec::new(); subs.len()];
    let mut all_pool: Vec<usize> = Vec::new();
    let mut papers: Vec<Paper> = Vec::with_capacity(PAPERS);
    for i in 0..PAPERS {
        // More papers in later years.
        let year = FIRST_YEAR + ((i as f64 / PAPERS as f64).sqrt() * YEARS as f64) as i64;
        let main = weighted_sub(rng, subs);
        let mut topic_subs = vec![main];
        if rng.chance(0.3) {
            // Subtopics are in area order, four per area.
            let other = if rng.chance(0.7) {
                main - main % 4 + (main % 4 + 1 + rng.below(3)) % 4
            } else {
                rng.below(subs.len())
            };
            if other != main {
                topic_subs.push(other);
            }
        }
        let s = &subs[main];
        let (k1, k2) = two_keywords(rng, s);
        let second = &subs[*topic_subs.last().unwrap_or(&main)];
        let (k3, _) = two_keywords(rng, second);
        let area = &AREAS[s.area];
        let title = title(rng, k1, k2);
        let abstract_text = abstract_text(rng, [k1, k2, k3], s.name);
        let venue = rng
            .pick(&area.venues)
            .copied()
            .unwrap_or("VLDB")
            .to_string();

        let mut authors = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let pool_index = if rng.chance(0.15) {
                rng.below(AREAS.len())
            } else {
                s.area
            };
            if let Some(a) = preferential(rng, &author_pools[pool_index])
                && !authors.contains(&a)
            {
                authors.push(a);
                author_pools[pool_index].push(a);
            }
        }
        if authors.is_empty()
            && let Some(&a) = author_pools[s.area].first()
        {
            authors.push(a);
        }

        let mut cites: Vec<usize> = Vec::new();
        let want = rng.below(9).min(i);
        for _ in 0..want * 2 {
            if cites.len() >= want {
                break;
            }
            let pool = if rng.chance(0.7) && !cited_pools[main].is_empty() {
                &cited_pools[main]
            } else {
                &all_pool
            };
            if let Some(c) = preferential(rng, pool)
                && !cites.contains(&c)
            {
                cites.push(c);
            }
        }
        for &c in &cites {
            papers[c].citations += 1;
            all_pool.push(c);
            cited_pools[main].push(c);
        }
        all_pool.push(i);
        for &t in &topic_subs {
            cited_pools[t].push(i);
        }
        papers.push(Paper {
            key: format!("p{:04}", i + 1),
            title,
            abstract_text,
            year,
            venue,
            citations: 0,
            topics: topic_subs.iter().map(|&t| subs[t].index).collect(),
            authors,
            cites,
        });
    }
    papers
}

fn views(rng: &mut SplitMix64, subs: &[Sub]) -> Vec<ViewRow> {
    let mut out = Vec::with_capacity(subs.len() * DAYS as usize);
    for s in subs {
        let base = 40.0 + 160.0 * s.popularity;
        let growth = -0.3 + 1.1 * rng.unit();
        // A conference season: a bump of views around one day of the year.
        let peak = rng.below(DAYS as usize) as f64;
        for d in 0..DAYS {
            let t = d as f64;
            // 2024-01-01 is a Monday: days 5 and 6 of each week are the weekend.
            let weekly = if d % 7 >= 5 { 0.55 } else { 1.0 };
            let trend = 1.0 + growth * t / DAYS as f64;
            let bump = 1.0 + 1.5 * (-((t - peak) / 6.0).powi(2)).exp();
            let noise = 0.85 + 0.3 * rng.unit();
            let views = (base * weekly * trend * bump * noise).round().max(0.0);
            let downloads = (views * (0.05 + 0.1 * rng.unit())).round();
            out.push(ViewRow {
                topic: s.index,
                day_us: FIRST_DAY_US + d * DAY_US,
                views,
                downloads,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_consistent() {
        let a = generate();
        assert_eq!(a, generate());
        assert_eq!(a.topics.len(), 1 + 8 + 32);
        assert_eq!(a.authors.len(), AUTHORS);
        assert_eq!(a.papers.len(), PAPERS);
        assert_eq!(a.views.len(), 32 * DAYS as usize);
        let names: HashSet<_> = a.authors.iter().map(|x| &x.name).collect();
        assert_eq!(names.len(), AUTHORS, "author names are unique");
        let mut cited = vec![0i64; PAPERS];
        for (i, p) in a.papers.iter().enumerate() {
            assert!(!p.authors.is_empty() && !p.topics.is_empty());
            assert!(p.topics.iter().all(|&t| a.topics[t].level == 2));
            for &c in &p.cites {
                assert!(c < i && a.papers[c].year <= p.year);
                cited[c] += 1;
            }
        }
        assert!(a.papers.iter().zip(&cited).all(|(p, &n)| p.citations == n));
        assert_eq!(
            a.papers.last().map(|p| p.year),
            Some(FIRST_YEAR + YEARS - 1)
        );
        assert!(a.edge_count() > 15_000, "{}", a.edge_count());
    }
}
