-- name: instrument_by_id
SELECT symbol, venue, sector, lot FROM instruments WHERE id = $id;

-- name: instrument_by_symbol
SELECT id, venue FROM instruments WHERE symbol = $symbol;

-- name: trades_in_window
SELECT id, symbol, price, qty FROM trades WHERE ts >= $from AND ts < $to ORDER BY ts, id LIMIT $n;

-- name: trades_for_symbol
SELECT ts, price FROM trades WHERE symbol = $symbol ORDER BY ts DESC LIMIT 10 OFFSET 2;

-- name: big_or_flagged
SELECT id, qty FROM trades WHERE qty > 900 OR flagged = TRUE ORDER BY id;

-- name: symbols_in
SELECT id, symbol FROM trades WHERE symbol IN ('AAA', 'CCC', $extra) AND NOT (side = 'sell') ORDER BY id;

-- name: sided_like
SELECT id, side FROM trades WHERE side LIKE 'b%' OR side IS NULL ORDER BY id LIMIT 50;

-- name: price_band
SELECT id FROM trades WHERE price BETWEEN $lo AND $hi ORDER BY price DESC, id;

-- name: venues
SELECT DISTINCT venue FROM instruments ORDER BY venue;

-- name: volume_by_symbol
SELECT symbol, COUNT(*) AS n, SUM(qty) AS volume, AVG(price) AS avg_price, MIN(price) AS low, MAX(ts) AS last_ts
FROM trades GROUP BY symbol HAVING COUNT(*) > 1 ORDER BY symbol;

-- name: side_counts
SELECT side, COUNT(side) AS n FROM trades GROUP BY side;

-- name: totals
SELECT COUNT(*) AS n, SUM(price) AS notional FROM trades WHERE qty * 2 > $min_double;

-- name: sectors
SELECT symbol, sector FROM instruments WHERE sector IS NOT NULL ORDER BY lot DESC, symbol;

-- name: all_trades
SELECT id, symbol, ts, price, qty, side, flagged FROM trades ORDER BY id;

-- name: trade_by_id
SELECT symbol, price, qty FROM trades WHERE id = $id;

-- name: similar_instruments
SELECT id, symbol FROM instruments ORDER BY SIMILARITY(embedding, $q, 'cosine') DESC LIMIT 20;

-- name: nearest_instruments
SELECT id FROM instruments WHERE lot >= $min_lot ORDER BY DISTANCE(embedding, $q, 'euclidean') LIMIT 8;

-- name: most_aligned
SELECT id, symbol FROM instruments WHERE embedding IS NOT NULL ORDER BY SIMILARITY(embedding, $q, 'dot') DESC LIMIT 10 OFFSET 2;

-- name: nearest_l1
SELECT id, lot FROM instruments ORDER BY DISTANCE(embedding, $q, 'manhattan') LIMIT $k;

-- name: nearest_l2_page
SELECT symbol FROM instruments ORDER BY SIMILARITY(embedding, $q, 'euclidean') DESC LIMIT $k OFFSET $skip;

-- name: farthest_cosine
SELECT id FROM instruments ORDER BY DISTANCE(embedding, $q, 'cosine') DESC LIMIT 5;

-- name: instrument_embedding
SELECT id, embedding FROM instruments WHERE id = $id;

-- name: similar_headlines
SELECT id, symbol FROM headlines ORDER BY SIMILARITY(embedding, $q, 'cosine') DESC LIMIT 10;

-- name: headlines_about
SELECT id, symbol FROM headlines ORDER BY SIMILARITY(embedding, EMBED($text), 'cosine') DESC LIMIT 10;

-- name: headlines_near_text
SELECT id FROM headlines WHERE symbol = $symbol ORDER BY DISTANCE(EMBED('rate cut surprise lifts bank shares'), embedding, 'euclidean') LIMIT 5 OFFSET 1;

-- name: correlated
SELECT a.symbol, b.symbol AS peer, e.weight FROM instruments a
TRAVERSE (a)-[e:correlated_with]->(b:instruments) WHERE a.id = $id ORDER BY b.id;

-- name: correlated_into
SELECT a.id, b.id AS source, e.from, e.to FROM instruments a
TRAVERSE (a)<-[e:correlated_with]-(b:instruments) WHERE e.weight >= $min;

-- name: sector_reach
SELECT a.id, b.id AS reached FROM instruments a
TRAVERSE (a)-[:same_sector*1..3]->(b:instruments) WHERE a.lot = 100 AND b.id <> a.id;

-- name: peer_counts
SELECT a.symbol, COUNT(*) AS n, AVG(e.weight) AS mean_weight FROM instruments a
TRAVERSE (a)-[e:correlated_with]->(b:instruments) GROUP BY a.symbol ORDER BY a.symbol;

-- Time ranges of the trades series (read from manifold-timeseries), aggregated per
-- bucket, for every symbol or one.

-- name: trade_buckets
SELECT symbol, TIME_BUCKET('250ms', ts) AS bucket, COUNT(*) AS n, SUM(qty) AS volume,
  AVG(price) AS avg_price, MIN(price) AS low, MAX(price) AS high
FROM trades WHERE ts >= $from AND ts < $to GROUP BY symbol, bucket ORDER BY symbol, bucket;

-- name: symbol_buckets
SELECT TIME_BUCKET('100ms', ts) AS bucket, COUNT(*) AS n, SUM(price) AS notional, MAX(qty) AS biggest
FROM trades WHERE symbol = $symbol AND ts > $from AND ts <= $to GROUP BY bucket;

-- name: symbol_window
SELECT id, ts, price, side FROM trades WHERE symbol = $symbol AND ts >= $from AND ts < $to
ORDER BY ts LIMIT $n OFFSET $skip;

-- name: trades_at
SELECT id, symbol FROM trades WHERE ts = $ts;

-- name: headlines_by_bucket
SELECT TIME_BUCKET('15s', ts) AS bucket, COUNT(*) AS n, MIN(symbol) AS first_symbol
FROM headlines WHERE ts >= $from AND ts < $to GROUP BY bucket ORDER BY bucket;

-- name: headline_minutes
SELECT id, TIME_BUCKET('1m', ts) AS minute FROM headlines WHERE symbol = $symbol ORDER BY id LIMIT 30;

-- ORDER BY ... LIMIT over an index range: in index order (the walk stops early)
-- or not (a bounded top-k), with ties, OFFSET and conditions beyond the range.

-- name: symbol_range_page
SELECT id, symbol, qty FROM trades WHERE symbol >= $lo AND symbol < $hi AND qty > $min_qty
ORDER BY symbol LIMIT $n OFFSET $skip;

-- name: symbol_range_by_qty
SELECT id, symbol, qty FROM trades WHERE symbol > $lo AND symbol <= $hi AND side IS NOT NULL
ORDER BY qty DESC, symbol LIMIT $n OFFSET $skip;

-- name: symbol_range_first
SELECT id, qty FROM trades WHERE symbol >= $lo AND flagged IS NULL LIMIT $n;

-- name: window_latest
SELECT id, ts, price FROM trades WHERE ts >= $from AND qty < $max_qty ORDER BY ts DESC LIMIT $n OFFSET $skip;

-- name: symbol_ids_page
SELECT id, price FROM trades WHERE symbol = $symbol AND qty >= $min_qty ORDER BY id LIMIT $n OFFSET $skip;
