param anchor = [0.0, 0.0]
query: SELECT id, title FROM documents WHERE position NEAR $anchor WITHIN 1.2
  ORDER BY position DISTANCE FROM $anchor LIMIT 100
id | title
800 | 'root'
801 | 'near'
802 | 'mid'

param anchor = 802
query: SELECT title FROM documents WHERE position NEAR $anchor WITHIN 1.0 ORDER BY title
title
'mid'
'near'

query: SELECT a.title, b.title, HYPERBOLIC_DISTANCE(a.position, b.position) AS d FROM concepts a, concepts b WHERE a.id < b.id AND a.title = 'root' ORDER BY d
title | title | d
'root' | 'near' | 0.2007
'root' | 'mid' | 1.0986
'root' | 'far' | 3.6636

query: SELECT TIME_BUCKET('1h', ts) AS hour, AVG(value) FROM metrics.cpu
  WHERE ts > NOW() - INTERVAL '1 day' GROUP BY hour ORDER BY hour
hour | AVG(value)
<ts> | 15.0000
<ts> | 35.0000
<ts> | 55.0000

query: SELECT ts, MOVING_AVG(value, 2) FROM sensors.temp WHERE series = 'room-1'
ts | MOVING_AVG(value, 2)
1970-01-01T00:00:00.000000Z | 0.0000
1970-01-01T00:00:00.000001Z | 1.0000
1970-01-01T00:00:00.000003Z | 4.0000
1970-01-01T00:00:00.000004Z | 7.0000

query: SELECT COUNT(*) FROM metrics.cpu WHERE ts < NOW() - INTERVAL '1 day'
COUNT(*)
1

query: EXPLAIN SELECT AVG(value) FROM metrics.cpu WHERE ts > NOW() - INTERVAL '1 day'
plan
'Project AVG(value)'
'  HashAggregate group=[] aggs=[AVG(metrics.value)]'
'    Scan metrics.cpu filter=[ts > <ts>] time_range=ts'

query: SELECT COUNT(*) FROM metrics.cpu WHERE ts > NOW() - INTERVAL '4 hours' AND ts <= NOW() AND value > 20
COUNT(*)
4

query: EXPLAIN SELECT AVG(value) FROM metrics.cpu WHERE ts > NOW() - INTERVAL '4 hours' AND ts <= NOW() AND value > 20
plan
'Project AVG(value)'
'  HashAggregate group=[] aggs=[AVG(metrics.value)]'
'    Scan metrics.cpu filter=[ts > <ts> AND ts <= <ts> AND value > 20] time_range=ts'

