-- name: add_reading
INSERT INTO readings (sensor, site, at, reading, unit, quality) VALUES ($sensor, $site, $at, $reading, $unit, $quality);

-- name: readings_between
SELECT id, sensor, site, at, reading FROM readings WHERE at >= $from AND at < $to ORDER BY at, id;

-- name: site_readings
SELECT id, at, reading FROM readings WHERE site = $site AND at >= $from AND at < $to ORDER BY at;
