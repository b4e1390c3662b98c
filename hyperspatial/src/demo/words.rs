//! The vocabulary of the demo data set: a topic hierarchy with keywords per topic,
//! venues, affiliations, names and the phrases titles and abstracts are made of.

/// A research area: its key, name, two venues and four subtopics.
pub struct Area {
    /// External id of the topic.
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Venues papers of this area appear in.
    pub venues: [&'static str; 2],
    /// Subtopics.
    pub subtopics: [Subtopic; 4],
}

/// A subtopic: its key, name and the keywords its papers are written with.
pub struct Subtopic {
    /// External id of the topic.
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Keywords (each may be several words).
    pub keywords: [&'static str; 6],
}

const fn sub(key: &'static str, name: &'static str, keywords: [&'static str; 6]) -> Subtopic {
    Subtopic {
        key,
        name,
        keywords,
    }
}

/// The root of the topic hierarchy.
pub const ROOT: (&str, &str) = ("computer-science", "Computer science");

/// The areas under the root.
pub const AREAS: [Area; 8] = [
    Area {
        key: "databases",
        name: "Databases",
        venues: ["SIGMOD", "VLDB"],
        subtopics: [
            sub(
                "query-optimization",
                "Query optimization",
                [
                    "query optimizer",
                    "join ordering",
                    "cardinality estimation",
                    "cost model",
                    "query plan",
                    "adaptive execution",
                ],
            ),
            sub(
                "storage-engines",
                "Storage engines",
                [
                    "log-structured merge tree",
                    "B-tree",
                    "write-ahead log",
                    "buffer pool",
                    "key value store",
                    "compaction",
                ],
            ),
            sub(
                "transactions",
                "Transactions",
                [
                    "concurrency control",
                    "serializable isolation",
                    "snapshot isolation",
                    "distributed commit",
                    "lock manager",
                    "recovery",
                ],
            ),
            sub(
                "learned-indexes",
                "Learned indexes",
                [
                    "learned index",
                    "index structure",
                    "model-based lookup",
                    "range query",
                    "key distribution",
                    "cache-efficient search",
                ],
            ),
        ],
    },
    Area {
        key: "machine-learning",
        name: "Machine learning",
        venues: ["NeurIPS", "ICML"],
        subtopics: [
            sub(
                "representation-learning",
                "Representation learning",
                [
                    "embedding",
                    "contrastive learning",
                    "self-supervised pretraining",
                    "latent space",
                    "feature learning",
                    "metric learning",
                ],
            ),
            sub(
                "graph-neural-networks",
                "Graph neural networks",
                [
                    "graph neural network",
                    "message passing",
                    "node classification",
                    "link prediction",
                    "graph convolution",
                    "over-smoothing",
                ],
            ),
            sub(
                "reinforcement-learning",
                "Reinforcement learning",
                [
                    "policy gradient",
                    "reward shaping",
                    "exploration",
                    "value function",
                    "offline reinforcement learning",
                    "multi-agent",
                ],
            ),
            sub(
                "optimization",
                "Optimization for learning",
                [
                    "stochastic gradient descent",
                    "adaptive learning rate",
                    "convergence",
                    "second-order method",
                    "loss landscape",
                    "regularization",
                ],
            ),
        ],
    },
    Area {
        key: "information-retrieval",
        name: "Information retrieval",
        venues: ["SIGIR", "WSDM"],
        subtopics: [
            sub(
                "dense-retrieval",
                "Dense retrieval",
                [
                    "dense retrieval",
                    "dual encoder",
                    "passage ranking",
                    "nearest neighbor search",
                    "vector index",
                    "hard negatives",
                ],
            ),
            sub(
                "learning-to-rank",
                "Learning to rank",
                [
                    "learning to rank",
                    "pairwise loss",
                    "click model",
                    "relevance feedback",
                    "listwise ranking",
                    "unbiased ranking",
                ],
            ),
            sub(
                "recommender-systems",
                "Recommender systems",
                [
                    "recommender system",
                    "collaborative filtering",
                    "matrix factorization",
                    "cold start",
                    "session-based recommendation",
                    "implicit feedback",
                ],
            ),
            sub(
                "query-understanding",
                "Query understanding",
                [
                    "query expansion",
                    "query reformulation",
                    "intent detection",
                    "spelling correction",
                    "entity linking",
                    "query suggestion",
                ],
            ),
        ],
    },
    Area {
        key: "systems",
        name: "Systems",
        venues: ["OSDI", "EuroSys"],
        subtopics: [
            sub(
                "distributed-systems",
                "Distributed systems",
                [
                    "consensus protocol",
                    "replication",
                    "fault tolerance",
                    "leader election",
                    "partition tolerance",
                    "state machine replication",
                ],
            ),
            sub(
                "operating-systems",
                "Operating systems",
                [
                    "kernel bypass",
                    "scheduler",
                    "virtual memory",
                    "file system",
                    "system call",
                    "page cache",
                ],
            ),
            sub(
                "storage-hardware",
                "Storage hardware",
                [
                    "persistent memory",
                    "NVMe SSD",
                    "flash translation layer",
                    "io_uring",
                    "write amplification",
                    "tail latency",
                ],
            ),
            sub(
                "cloud-computing",
                "Cloud computing",
                [
                    "serverless function",
                    "autoscaling",
                    "resource disaggregation",
                    "multi-tenant isolation",
                    "cold start latency",
                    "elastic scaling",
                ],
            ),
        ],
    },
    Area {
        key: "geometry",
        name: "Geometry and graphics",
        venues: ["SoCG", "SIGGRAPH"],
        subtopics: [
            sub(
                "hyperbolic-geometry",
                "Hyperbolic geometry",
                [
                    "hyperbolic space",
                    "Poincare ball",
                    "Lorentz model",
                    "hierarchy embedding",
                    "negative curvature",
                    "geodesic distance",
                ],
            ),
            sub(
                "computational-geometry",
                "Computational geometry",
                [
                    "convex hull",
                    "Voronoi diagram",
                    "Delaunay triangulation",
                    "range searching",
                    "point location",
                    "geometric spanner",
                ],
            ),
            sub(
                "mesh-processing",
                "Mesh processing",
                [
                    "triangle mesh",
                    "mesh simplification",
                    "surface reconstruction",
                    "remeshing",
                    "discrete curvature",
                    "parameterization",
                ],
            ),
            sub(
                "rendering",
                "Rendering",
                [
                    "path tracing",
                    "global illumination",
                    "neural rendering",
                    "radiance field",
                    "denoising",
                    "light transport",
                ],
            ),
        ],
    },
    Area {
        key: "natural-language",
        name: "Natural language processing",
        venues: ["ACL", "EMNLP"],
        subtopics: [
            sub(
                "language-models",
                "Language models",
                [
                    "language model",
                    "transformer",
                    "attention mechanism",
                    "in-context learning",
                    "instruction tuning",
                    "tokenization",
                ],
            ),
            sub(
                "machine-translation",
                "Machine translation",
                [
                    "machine translation",
                    "low-resource language",
                    "back-translation",
                    "multilingual model",
                    "alignment",
                    "beam search",
                ],
            ),
            sub(
                "information-extraction",
                "Information extraction",
                [
                    "named entity recognition",
                    "relation extraction",
                    "event extraction",
                    "knowledge graph",
                    "distant supervision",
                    "slot filling",
                ],
            ),
            sub(
                "sentence-embeddings",
                "Sentence embeddings",
                [
                    "sentence embedding",
                    "semantic similarity",
                    "siamese network",
                    "paraphrase detection",
                    "text clustering",
                    "sentence encoder",
                ],
            ),
        ],
    },
    Area {
        key: "security",
        name: "Security and privacy",
        venues: ["USENIX Security", "CCS"],
        subtopics: [
            sub(
                "cryptography",
                "Applied cryptography",
                [
                    "homomorphic encryption",
                    "zero-knowledge proof",
                    "key exchange",
                    "post-quantum signature",
                    "secure multiparty computation",
                    "side channel",
                ],
            ),
            sub(
                "differential-privacy",
                "Differential privacy",
                [
                    "differential privacy",
                    "privacy budget",
                    "noise mechanism",
                    "private aggregation",
                    "membership inference",
                    "federated analytics",
                ],
            ),
            sub(
                "software-security",
                "Software security",
                [
                    "fuzzing",
                    "memory safety",
                    "static analysis",
                    "exploit mitigation",
                    "sandboxing",
                    "vulnerability detection",
                ],
            ),
            sub(
                "network-security",
                "Network security",
                [
                    "intrusion detection",
                    "denial of service",
                    "traffic analysis",
                    "botnet",
                    "TLS",
                    "anomaly detection",
                ],
            ),
        ],
    },
    Area {
        key: "time-series",
        name: "Time series and streams",
        venues: ["KDD", "ICDE"],
        subtopics: [
            sub(
                "forecasting",
                "Forecasting",
                [
                    "time series forecasting",
                    "seasonality",
                    "probabilistic forecast",
                    "horizon",
                    "temporal convolution",
                    "demand prediction",
                ],
            ),
            sub(
                "stream-processing",
                "Stream processing",
                [
                    "stream processing",
                    "windowed aggregation",
                    "watermark",
                    "exactly-once delivery",
                    "event time",
                    "backpressure",
                ],
            ),
            sub(
                "compression",
                "Time series compression",
                [
                    "Gorilla compression",
                    "delta encoding",
                    "XOR floating point",
                    "downsampling",
                    "rollup",
                    "lossy compression",
                ],
            ),
            sub(
                "anomaly-detection",
                "Anomaly detection in series",
                [
                    "anomaly score",
                    "change point detection",
                    "outlier",
                    "sensor data",
                    "seasonal decomposition",
                    "alerting",
                ],
            ),
        ],
    },
];

/// Affiliations of authors.
pub const AFFILIATIONS: [&str; 16] = [
    "ETH Zurich",
    "MIT",
    "Stanford",
    "CMU",
    "TU Munich",
    "EPFL",
    "Tsinghua",
    "University of Toronto",
    "UC Berkeley",
    "University of Cambridge",
    "KAIST",
    "University of Tokyo",
    "INRIA",
    "University of Washington",
    "TU Delft",
    "University of Edinburgh",
];

/// Given names.
pub const FIRST_NAMES: [&str; 40] = [
    "Ada", "Alan", "Barbara", "Bjarne", "Carla", "Dana", "Edsger", "Emma", "Farid", "Grace",
    "Hannah", "Ines", "Ivan", "Jia", "Jonas", "Kenji", "Leslie", "Lin", "Mara", "Mateo", "Nadia",
    "Niklaus", "Olga", "Omar", "Priya", "Quentin", "Radia", "Ravi", "Sofia", "Sven", "Tariq",
    "Tove", "Uma", "Victor", "Wen", "Xavier", "Yara", "Yusuf", "Zoe", "Zhang",
];

/// Family names.
pub const LAST_NAMES: [&str; 40] = [
    "Abebe",
    "Berg",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umarov",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Almeida",
    "Brandt",
    "Chen",
    "Dimitrov",
    "Eklund",
    "Ferreira",
    "Gupta",
    "Hoffmann",
    "Iyer",
    "Kim",
    "Lindqvist",
    "Mendes",
    "Novak",
    "Park",
];

/// Adjectives of titles.
pub const ADJECTIVES: [&str; 12] = [
    "Scalable",
    "Efficient",
    "Robust",
    "Adaptive",
    "Practical",
    "Fast",
    "Provably correct",
    "Lightweight",
    "Incremental",
    "Parallel",
    "Learned",
    "Compact",
];

/// What a paper's method is combined with.
pub const METHODS: [&str; 10] = [
    "sampling",
    "hashing",
    "a cost-based search",
    "a hierarchical decomposition",
    "vectorized execution",
    "lock-free data structures",
    "a probabilistic model",
    "a graph formulation",
    "caching",
    "a two-phase algorithm",
];

/// What experiments are run on.
pub const DATASETS: [&str; 8] = [
    "public benchmarks",
    "production traces",
    "synthetic workloads",
    "large real-world graphs",
    "ten open data sets",
    "a web-scale corpus",
    "standard benchmark suites",
    "industrial case studies",
];
