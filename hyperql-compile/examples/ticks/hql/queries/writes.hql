-- name: add_instrument
INSERT INTO instruments (symbol, venue, sector, lot) VALUES ($symbol, $venue, $sector, $lot);

-- name: add_trade
INSERT INTO trades (symbol, ts, price, qty, side) VALUES ($symbol, $ts, $price, $qty, $side);

-- name: reprice
UPDATE trades SET price = price * $factor WHERE symbol = $symbol;

-- name: flag_large
UPDATE trades SET flagged = TRUE WHERE qty >= $qty;

-- name: drop_before
DELETE FROM trades WHERE ts < $ts;

-- name: relot
UPDATE instruments SET lot = $lot WHERE symbol = $symbol;

-- name: drop_instrument
DELETE FROM instruments WHERE id = $id;

-- name: add_headline
INSERT INTO headlines (symbol, ts, embedding) VALUES ($symbol, $ts, $embedding);

-- name: add_headline_text
INSERT INTO headlines (symbol, ts, embedding) VALUES ($symbol, $ts, EMBED($text));

-- name: relate_correlated
RELATE $a -[:correlated_with {weight: $w}]-> $b;

-- name: relate_same_sector
RELATE $a -[:same_sector]-> $b;

-- name: move_trade
UPDATE trades SET ts = $ts WHERE id = $id;
