//! The showcase queries of the demo data set: one per kind of question HyperQL
//! answers (documents, aggregates, graphs, cascades, vectors, hyperbolic positions,
//! time series).

/// One showcase query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Showcase {
    /// What it shows.
    pub title: &'static str,
    /// The HyperQL text.
    pub query: &'static str,
}

const fn q(title: &'static str, query: &'static str) -> Showcase {
    Showcase { title, query }
}

/// The showcase queries, in the order `hyperspatial demo` runs them.
pub const SHOWCASE: &[Showcase] = &[
    q(
        "Documents: the most cited papers since 2020",
        "SELECT _key AS id, title, year, citations FROM papers WHERE year >= 2020 ORDER BY citations DESC, title LIMIT 5",
    ),
    q(
        "Aggregates: papers and mean citations per venue",
        "SELECT venue, COUNT(*) AS papers, AVG(citations) AS mean_citations FROM papers GROUP BY venue ORDER BY papers DESC LIMIT 5",
    ),
    q(
        "Graph: the subtopics of an area",
        "SELECT t._key AS topic, t.name FROM topics TRAVERSE (area)-[:subtopic]->(t) WHERE area._key = 'databases' ORDER BY t.name",
    ),
    q(
        "Graph: the newest papers citing the most cited one",
        "SELECT c._key AS id, c.title, c.year FROM papers TRAVERSE (p)<-[:cites]-(c) WHERE p._key = 'p0002' ORDER BY c.year DESC, c.title LIMIT 5",
    ),
    q(
        "Graph and aggregates: the topics with the most papers",
        "SELECT t.name, COUNT(*) AS papers FROM topics TRAVERSE (t)<-[:about]-(p) GROUP BY t.name ORDER BY papers DESC LIMIT 5",
    ),
    q(
        "Cascades: authors by the citations of their papers (kept up to date on every write)",
        "SELECT name, affiliation, papers, cited FROM authors ORDER BY cited DESC, name LIMIT 5",
    ),
    q(
        "Graph, two paths: co-authors of an author",
        "SELECT DISTINCT c.name AS coauthor FROM authors TRAVERSE (a)-[:authored]->(p), (p)<-[:authored]-(c) WHERE a.name = 'Ada Berg' AND c.name <> 'Ada Berg' ORDER BY coauthor LIMIT 5",
    ),
    q(
        "Vectors: k nearest papers to a text (HNSW index, cosine)",
        "SELECT _key AS id, title FROM papers ORDER BY SIMILARITY(embedding, EMBED('learned index structures for key value stores', 'hashing-384'), 'cosine') DESC LIMIT 5",
    ),
    q(
        "Hyperbolic space: the topics placed nearest to an area",
        "SELECT _key AS topic, name FROM topics WHERE position NEAR 'databases' WITHIN 30.0 ORDER BY position DISTANCE FROM 'databases' LIMIT 5",
    ),
    q(
        "Hyperbolic distance from an area to subtopics",
        "SELECT b.name, HYPERBOLIC_DISTANCE(a.position, b.position) AS distance FROM topics a, topics b WHERE a._key = 'databases' AND b.level = 2 ORDER BY distance LIMIT 5",
    ),
    q(
        "Time series: views of one topic in 30-day buckets",
        "SELECT TIME_BUCKET('30d', day) AS bucket, SUM(views) AS views, SUM(downloads) AS downloads FROM traffic WHERE topic = 'query-optimization' GROUP BY bucket ORDER BY bucket",
    ),
    q(
        "Time series: the most viewed topics of the year",
        "SELECT topic, SUM(views) AS views, MAX(views) AS busiest_day FROM traffic GROUP BY topic ORDER BY views DESC LIMIT 5",
    ),
    q(
        "Time series: a 7-day moving average",
        "SELECT day, views, MOVING_AVG(views, 7) AS week_average FROM traffic WHERE topic = 'dense-retrieval' ORDER BY day DESC LIMIT 5",
    ),
];
