-- The tick store: instruments as documents (embeddings in a vector table, relations
-- as edges named by the RELATE and TRAVERSE queries), trades as a time series (a
-- series per symbol on manifold-timeseries; the documents keep every field).
CREATE SCHEMA instruments (
  symbol String REQUIRED INDEXED,
  venue String REQUIRED,
  sector String,
  lot Int REQUIRED,
  embedding Embedding(8)
);

CREATE SCHEMA trades (
  symbol String REQUIRED INDEXED,
  ts Timestamp REQUIRED INDEXED,
  price Float REQUIRED,
  qty Int REQUIRED,
  side String,
  flagged Bool
) WITH TIME SERIES (ts, SERIES symbol);

-- News headlines with a 128-d text embedding, for k-NN by meaning.
CREATE SCHEMA headlines (
  symbol String REQUIRED INDEXED,
  ts Timestamp REQUIRED,
  embedding Embedding(128)
);
