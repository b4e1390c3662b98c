query: SELECT id, region, ROW_NUMBER() OVER (PARTITION BY region ORDER BY ts) AS rn FROM sales ORDER BY region, rn
id | region | rn
1 | 'east' | 1
2 | 'east' | 2
3 | 'east' | 3
4 | 'east' | 4
5 | 'east' | 5
10 | 'north' | 1
6 | 'west' | 1
7 | 'west' | 2
8 | 'west' | 3
9 | 'west' | 4

query: SELECT id, amount, RANK() OVER (ORDER BY amount DESC) AS r, DENSE_RANK() OVER (ORDER BY amount DESC) AS d,
  ROW_NUMBER() OVER (ORDER BY amount DESC) AS n FROM sales ORDER BY n
id | amount | r | d | n
4 | NULL | 1 | 1 | 1
5 | 40 | 2 | 2 | 2
9 | 25 | 3 | 3 | 3
2 | 20 | 4 | 4 | 4
3 | 20 | 4 | 4 | 5
7 | 15 | 6 | 5 | 6
8 | 15 | 6 | 5 | 7
1 | 10 | 8 | 6 | 8
10 | 7 | 9 | 7 | 9
6 | 5 | 10 | 8 | 10

query: SELECT id, region, amount, SUM(amount) OVER (PARTITION BY region ORDER BY amount) AS running FROM sales
  ORDER BY region, amount, id
id | region | amount | running
1 | 'east' | 10 | 10
2 | 'east' | 20 | 50
3 | 'east' | 20 | 50
5 | 'east' | 40 | 90
4 | 'east' | NULL | 90
10 | 'north' | 7 | 7
6 | 'west' | 5 | 5
7 | 'west' | 15 | 35
8 | 'west' | 15 | 35
9 | 'west' | 25 | 60

query: SELECT id, region, SUM(amount) OVER (PARTITION BY region) AS s, COUNT(*) OVER (PARTITION BY region) AS n,
  COUNT(amount) OVER (PARTITION BY region) AS na, AVG(amount) OVER (PARTITION BY region) AS a,
  MIN(amount) OVER (PARTITION BY region) AS lo, MAX(amount) OVER (PARTITION BY region) AS hi FROM sales ORDER BY id
id | region | s | n | na | a | lo | hi
1 | 'east' | 90 | 5 | 4 | 22.5000 | 10 | 40
2 | 'east' | 90 | 5 | 4 | 22.5000 | 10 | 40
3 | 'east' | 90 | 5 | 4 | 22.5000 | 10 | 40
4 | 'east' | 90 | 5 | 4 | 22.5000 | 10 | 40
5 | 'east' | 90 | 5 | 4 | 22.5000 | 10 | 40
6 | 'west' | 60 | 4 | 4 | 15.0000 | 5 | 25
7 | 'west' | 60 | 4 | 4 | 15.0000 | 5 | 25
8 | 'west' | 60 | 4 | 4 | 15.0000 | 5 | 25
9 | 'west' | 60 | 4 | 4 | 15.0000 | 5 | 25
10 | 'north' | 7 | 1 | 1 | 7.0000 | 7 | 7

query: SELECT COUNT(*) OVER () AS n, SUM(amount) OVER () AS total FROM sales WHERE region = 'west'
n | total
4 | 60
4 | 60
4 | 60
4 | 60

query: SELECT id, amount, SUM(amount) OVER (PARTITION BY region ORDER BY ts ROWS 1 PRECEDING) AS s FROM sales
  WHERE region = 'east' ORDER BY ts
id | amount | s
1 | 10 | 10
2 | 20 | 30
3 | 20 | 40
4 | NULL | 20
5 | 40 | 40

query: SELECT id, COUNT(amount * 0.5) OVER (ORDER BY ts ROWS 1 PRECEDING) AS n,
  MAX(amount * 0.5) OVER (ORDER BY ts ROWS 1 PRECEDING) AS hi, SUM(amount * 0.5) OVER (ORDER BY ts ROWS 1 PRECEDING) AS s
  FROM sales WHERE region = 'east' ORDER BY ts
id | n | hi | s
1 | 1 | 5.0000 | 5.0000
2 | 2 | 10.0000 | 15.0000
3 | 2 | 10.0000 | 20.0000
4 | 1 | 10.0000 | 10.0000
5 | 1 | 20.0000 | 20.0000

query: SELECT id, amount, AVG(amount) OVER (PARTITION BY region ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS a,
  COUNT(amount) OVER (PARTITION BY region ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS n
  FROM sales WHERE region = 'east' ORDER BY ts
id | amount | a | n
1 | 10 | 10.0000 | 1
2 | 20 | 15.0000 | 2
3 | 20 | 16.6667 | 3
4 | NULL | 20.0000 | 2
5 | 40 | 30.0000 | 2

query: SELECT id, amount, MAX(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS hi,
  MIN(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS lo,
  COUNT(*) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest,
  SUM(amount) OVER (ORDER BY ts ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING) AS ahead
  FROM sales WHERE region = 'east' ORDER BY ts
id | amount | hi | lo | rest | ahead
1 | 10 | 20 | 10 | 5 | 20
2 | 20 | 20 | 10 | 4 | 40
3 | 20 | 20 | 20 | 3 | 40
4 | NULL | 40 | 20 | 2 | NULL
5 | 40 | 40 | 40 | 1 | NULL

query: SELECT id, ts, amount, SUM(amount) OVER (PARTITION BY region ORDER BY ts RANGE INTERVAL '1 day' PRECEDING) AS day_sum,
  COUNT(*) OVER (PARTITION BY region ORDER BY ts RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW) AS day_n
  FROM sales WHERE region = 'east' ORDER BY ts
id | ts | amount | day_sum | day_n
1 | 2000-01-14T09:30:00.000000Z | 10 | 10 | 1
2 | 2000-01-14T10:00:00.000000Z | 20 | 30 | 2
3 | 2000-01-15T08:00:00.000000Z | 20 | 50 | 3
4 | 2000-01-20T12:00:00.000000Z | NULL | NULL | 1
5 | 2000-02-29T15:45:00.000000Z | 40 | 40 | 1

query: SELECT id, amount, SUM(amount) OVER (ORDER BY ts DESC RANGE INTERVAL '1 day' PRECEDING) AS s FROM sales
  WHERE region = 'east' ORDER BY ts
id | amount | s
1 | 10 | 50
2 | 20 | 40
3 | 20 | 20
4 | NULL | NULL
5 | 40 | 40

query: SELECT id, amount, SUM(amount) OVER (ORDER BY amount RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS close,
  COUNT(*) OVER (ORDER BY amount RANGE CURRENT ROW) AS peers FROM sales WHERE region = 'west' ORDER BY amount, id
id | amount | close | peers
6 | 5 | 5 | 1
7 | 15 | 30 | 2
8 | 15 | 30 | 2
9 | 25 | 25 | 1

query: SELECT id, amount, COUNT(*) OVER (ORDER BY amount RANGE 10 PRECEDING) AS n FROM sales WHERE region = 'east'
  ORDER BY amount, id
id | amount | n
1 | 10 | 1
2 | 20 | 3
3 | 20 | 3
5 | 40 | 1
4 | NULL | 1

query: SELECT id, rep, amount, LAG(amount) OVER (PARTITION BY region ORDER BY ts) AS prev,
  LEAD(amount, 2, 0) OVER (PARTITION BY region ORDER BY ts) AS next2, LAG(rep, 1, 'none') OVER (PARTITION BY region ORDER BY ts) AS prev_rep,
  LEAD(amount, 0) OVER (PARTITION BY region ORDER BY ts) AS same FROM sales ORDER BY region, ts
id | rep | amount | prev | next2 | prev_rep | same
1 | 'ann' | 10 | NULL | 20 | 'none' | 10
2 | 'bob' | 20 | 10 | NULL | 'ann' | 20
3 | 'ann' | 20 | 20 | 40 | 'bob' | 20
4 | 'cid' | NULL | 20 | 0 | 'ann' | NULL
5 | 'bob' | 40 | NULL | 0 | 'cid' | 40
10 | 'fay' | 7 | NULL | 0 | 'none' | 7
6 | 'dee' | 5 | NULL | 15 | 'none' | 5
7 | 'eve' | 15 | 5 | 25 | 'dee' | 15
8 | 'dee' | 15 | 15 | 0 | 'eve' | 15
9 | 'eve' | 25 | 15 | 0 | 'dee' | 25

query: SELECT rep, amount FROM sales WHERE region = 'west' ORDER BY ROW_NUMBER() OVER (ORDER BY ts DESC)
rep | amount
'eve' | 25
'dee' | 15
'eve' | 15
'dee' | 5

query: SELECT region, SUM(amount) AS total, RANK() OVER (ORDER BY SUM(amount) DESC) AS r,
  SUM(SUM(amount)) OVER () AS everything FROM sales GROUP BY region ORDER BY r
region | total | r | everything
'east' | 90 | 1 | 157
'west' | 60 | 2 | 157
'north' | 7 | 3 | 157

query: SELECT id, amount - AVG(amount) OVER (PARTITION BY region) AS diff FROM sales WHERE region = 'west' ORDER BY id
id | diff
6 | -10.0000
7 | 0.0000
8 | 0.0000
9 | 10.0000

query: SELECT DISTINCT region, COUNT(*) OVER (PARTITION BY region) AS n FROM sales ORDER BY region
region | n
'east' | 5
'north' | 1
'west' | 4

query: SELECT id, amount, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM sales ORDER BY id LIMIT 3 OFFSET 2
id | amount | rn
3 | 20 | 3
4 | NULL | 4
5 | 40 | 5

query: EXPLAIN SELECT id, SUM(amount) OVER (PARTITION BY region ORDER BY ts ROWS 1 PRECEDING) AS s FROM sales WHERE amount > 5 ORDER BY s LIMIT 2
plan
'Limit limit=2'
'  TopK k=2 keys=[s]'
'    Project sales.id AS id, SUM(amount) OVER (PARTITION BY region ORDER BY ts ROWS 1 PRECEDING) AS s'
'      Window SUM(sales.amount) OVER (PARTITION BY sales.region ORDER BY sales.ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)'
'        Scan sales filter=[amount > 5]'

query: SELECT DISTINCT ON (region) region, rep, amount FROM sales ORDER BY region, amount DESC
region | rep | amount
'east' | 'cid' | NULL
'north' | 'fay' | 7
'west' | 'eve' | 25

query: SELECT DISTINCT ON (region) region, ts, rep FROM sales ORDER BY region, ts DESC
region | ts | rep
'east' | 2000-02-29T15:45:00.000000Z | 'bob'
'north' | 1999-12-31T23:00:00.000000Z | 'fay'
'west' | 2000-07-04T12:00:00.000000Z | 'eve'

query: SELECT DISTINCT ON (rep) rep, id FROM sales ORDER BY rep, id
rep | id
'ann' | 1
'bob' | 2
'cid' | 4
'dee' | 6
'eve' | 7
'fay' | 10

query: SELECT DISTINCT ON (DATE_TRUNC('month', ts)) id, amount FROM sales ORDER BY DATE_TRUNC('month', ts), amount DESC LIMIT 3
id | amount
10 | 7
4 | NULL
5 | 40

query: SELECT DISTINCT ON (region) id FROM sales
id
1
6
10

query: EXPLAIN SELECT DISTINCT ON (region) region, rep FROM sales ORDER BY region, ts DESC
plan
'Project region, rep'
'  DistinctOn keys=[region]'
'    Sort keys=[region, _order1 DESC]'
'      Project sales.region AS region, sales.rep AS rep, sales.ts AS _order1'
'        Scan sales'

query: SELECT ts, DATE_TRUNC('microsecond', ts) AS us, DATE_TRUNC('millisecond', ts) AS ms, DATE_TRUNC('second', ts) AS s,
  DATE_TRUNC('minute', ts) AS mi, DATE_TRUNC('hour', ts) AS h FROM sales WHERE id = 7
ts | us | ms | s | mi | h
2000-03-31T23:59:59.500000Z | 2000-03-31T23:59:59.500000Z | 2000-03-31T23:59:59.500000Z | 2000-03-31T23:59:59.000000Z | 2000-03-31T23:59:00.000000Z | 2000-03-31T23:00:00.000000Z

query: SELECT id, ts, DATE_TRUNC('day', ts) AS d, DATE_TRUNC('week', ts) AS w, DATE_TRUNC('month', ts) AS m,
  DATE_TRUNC('quarter', ts) AS q, DATE_TRUNC('YEAR', ts) AS y FROM sales ORDER BY id
id | ts | d | w | m | q | y
1 | 2000-01-14T09:30:00.000000Z | 2000-01-14T00:00:00.000000Z | 2000-01-10T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
2 | 2000-01-14T10:00:00.000000Z | 2000-01-14T00:00:00.000000Z | 2000-01-10T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
3 | 2000-01-15T08:00:00.000000Z | 2000-01-15T00:00:00.000000Z | 2000-01-10T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
4 | 2000-01-20T12:00:00.000000Z | 2000-01-20T00:00:00.000000Z | 2000-01-17T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
5 | 2000-02-29T15:45:00.000000Z | 2000-02-29T00:00:00.000000Z | 2000-02-28T00:00:00.000000Z | 2000-02-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
6 | 2000-01-14T09:00:00.000000Z | 2000-01-14T00:00:00.000000Z | 2000-01-10T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
7 | 2000-03-31T23:59:59.500000Z | 2000-03-31T00:00:00.000000Z | 2000-03-27T00:00:00.000000Z | 2000-03-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
8 | 2000-04-01T00:00:00.000000Z | 2000-04-01T00:00:00.000000Z | 2000-03-27T00:00:00.000000Z | 2000-04-01T00:00:00.000000Z | 2000-04-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
9 | 2000-07-04T12:00:00.000000Z | 2000-07-04T00:00:00.000000Z | 2000-07-03T00:00:00.000000Z | 2000-07-01T00:00:00.000000Z | 2000-07-01T00:00:00.000000Z | 2000-01-01T00:00:00.000000Z
10 | 1999-12-31T23:00:00.000000Z | 1999-12-31T00:00:00.000000Z | 1999-12-27T00:00:00.000000Z | 1999-12-01T00:00:00.000000Z | 1999-10-01T00:00:00.000000Z | 1999-01-01T00:00:00.000000Z

query: SELECT DATE_TRUNC('days', NULL) AS n, DATE_TRUNC('hours', 3723000001) AS h
n | h
NULL | 1970-01-01T01:00:00.000000Z

query: SELECT TIME_BUCKET('1 month', ts) AS m, COUNT(*), SUM(amount) FROM sales GROUP BY m ORDER BY m
m | COUNT(*) | SUM(amount)
1999-12-01T00:00:00.000000Z | 1 | 7
2000-01-01T00:00:00.000000Z | 5 | 55
2000-02-01T00:00:00.000000Z | 1 | 40
2000-03-01T00:00:00.000000Z | 1 | 15
2000-04-01T00:00:00.000000Z | 1 | 15
2000-07-01T00:00:00.000000Z | 1 | 25

query: SELECT TIME_BUCKET('quarter', ts) AS q, COUNT(*) FROM sales GROUP BY q ORDER BY q
q | COUNT(*)
1999-10-01T00:00:00.000000Z | 1
2000-01-01T00:00:00.000000Z | 7
2000-04-01T00:00:00.000000Z | 1
2000-07-01T00:00:00.000000Z | 1

query: SELECT TIME_BUCKET('1 year', ts) AS y, COUNT(*) FROM sales GROUP BY y ORDER BY y
y | COUNT(*)
1999-01-01T00:00:00.000000Z | 1
2000-01-01T00:00:00.000000Z | 9

query: SELECT TIME_BUCKET('2 months', ts) AS b, COUNT(*) FROM sales GROUP BY b ORDER BY b
b | COUNT(*)
1999-11-01T00:00:00.000000Z | 1
2000-01-01T00:00:00.000000Z | 6
2000-03-01T00:00:00.000000Z | 2
2000-07-01T00:00:00.000000Z | 1

query: SELECT id FROM sales WHERE ROW_NUMBER() OVER (ORDER BY ts) = 1
error: semantic errors: / line 1, column 28: window functions are not allowed in WHERE, found `ROW_NUMBER() OVER (ORDER BY ts)`

query: SELECT region FROM sales GROUP BY region HAVING RANK() OVER (ORDER BY region) = 1
error: semantic errors: / line 1, column 49: window functions are only allowed in the select list and ORDER BY, found `RANK() OVER (ORDER BY region)`

query: SELECT COUNT(*) FROM sales GROUP BY ROW_NUMBER() OVER ()
error: semantic errors: / line 1, column 37: window functions are not allowed in GROUP BY, found `ROW_NUMBER() OVER ()`

query: SELECT SUM(ROW_NUMBER() OVER ()) OVER () FROM sales
error: semantic errors: / line 1, column 12: window functions are not allowed in window function arguments, found `ROW_NUMBER() OVER ()`

query: SELECT ROW_NUMBER() AS n FROM sales
error: semantic errors: / line 1, column 8: `ROW_NUMBER` is a window function: it needs OVER (...), found `ROW_NUMBER()`

query: SELECT LOWER(rep) OVER () FROM sales
error: semantic errors: / line 1, column 8: `LOWER` is not a window function (window functions: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, COUNT, SUM, AVG, MIN, MAX), found `LOWER`

query: SELECT MOVING_AVG(amount, 2) OVER () FROM sales
error: semantic errors: / line 1, column 8: `MOVING_AVG` is not a window function (window functions: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, COUNT, SUM, AVG, MIN, MAX), found `MOVING_AVG`

query: SELECT ROW_NUMBER(id) OVER () FROM sales
error: semantic errors: / line 1, column 8: wrong number of arguments: `ROW_NUMBER` takes 0, got 1, found `ROW_NUMBER(id)`

query: SELECT COUNT(DISTINCT rep) OVER () FROM sales
error: semantic errors: / line 1, column 8: DISTINCT is not supported in window functions, found `COUNT(DISTINCT rep)`

query: SELECT SUM(*) OVER () FROM sales
error: semantic errors: / line 1, column 8: `SUM(*)` is not allowed; only COUNT(*), found `SUM(*)`

query: SELECT SUM(rep) OVER () FROM sales
error: semantic errors: / line 1, column 12: type mismatch: `SUM` expects Float, found String, found `rep`

query: SELECT SUM(amount) OVER (ORDER BY amount RANGE INTERVAL '1 day' PRECEDING) FROM sales
error: semantic errors: / line 1, column 48: RANGE with an INTERVAL offset needs an ORDER BY key that is a timestamp, found Int, found `INTERVAL '1 day'`

query: SELECT SUM(amount) OVER (ORDER BY ts RANGE 2 PRECEDING) FROM sales
error: semantic errors: / line 1, column 44: RANGE with a numeric offset needs a numeric ORDER BY key, found Timestamp, found `2`

query: SELECT SUM(amount) OVER (ORDER BY region, ts RANGE INTERVAL '1 day' PRECEDING) FROM sales
error: semantic errors: / line 1, column 8: RANGE with an offset needs exactly one ORDER BY key, found 2, found `SUM(amount) OVER (ORDER BY region, ts RANGE INTERVAL '1 day' PRECEDING)`

query: SELECT SUM(amount) OVER (ORDER BY ts RANGE 'x' PRECEDING) FROM sales
error: semantic errors: / line 1, column 44: a RANGE frame offset must be a number or an interval, found String, found `'x'`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM sales
error: semantic errors: / line 1, column 8: the window frame ends before it starts, found `SUM(amount) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 1 PRECEDING)`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS UNBOUNDED FOLLOWING) FROM sales
error: semantic errors: / line 1, column 8: a window frame cannot start at UNBOUNDED FOLLOWING, found `SUM(amount) OVER (ORDER BY ts ROWS UNBOUNDED FOLLOWING)`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND UNBOUNDED PRECEDING) FROM sales
error: semantic errors: / line 1, column 8: a window frame cannot end at UNBOUNDED PRECEDING, found `SUM(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND UNBOUNDED PRECEDING)`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS -1 PRECEDING) FROM sales
error: semantic errors: / line 1, column 43: a window frame offset cannot be negative, found `-1`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS 1.5 PRECEDING) FROM sales
error: semantic errors: / line 1, column 43: a ROWS frame offset must be an integer, found Float, found `1.5`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS amount PRECEDING) FROM sales
error: semantic errors: / line 1, column 43: a window frame offset must be a constant, found `amount`

param n = -2
query: SELECT SUM(amount) OVER (ORDER BY ts ROWS $n PRECEDING) FROM sales
error: type error: a window frame offset must be a non-negative integer, got -2

query: SELECT LAG(amount, -1) OVER (ORDER BY ts) FROM sales
error: type error: the offset of LAG must be a non-negative integer, got -1

query: SELECT LAG(amount, 'x') OVER (ORDER BY ts) FROM sales
error: semantic errors: / line 1, column 20: type mismatch: the offset expects Int, found String, found `'x'`

query: SELECT SUM(amount) OVER (ORDER ts) FROM sales
error: syntax errors: / line 1, column 32: syntax error; expected BY, found `ts`

query: SELECT SUM(amount) OVER (ORDER BY ts ROWS 1) FROM sales
error: syntax errors: / line 1, column 44: syntax error; expected PRECEDING or FOLLOWING, found `)`

query: SELECT DATE_TRUNC('fortnight', ts) FROM sales
error: semantic errors: / line 1, column 19: unknown DATE_TRUNC unit `fortnight`; expected one of microsecond, millisecond, second, minute, hour, day, week, month, quarter, year, found `'fortnight'`

param u = "fortnight"
query: SELECT DATE_TRUNC($u, ts) FROM sales
error: function error: unknown DATE_TRUNC unit `fortnight`; expected one of microsecond, millisecond, second, minute, hour, day, week, month, quarter, year

query: SELECT DATE_TRUNC('day', rep) FROM sales
error: semantic errors: / line 1, column 26: type mismatch: argument 2 of `DATE_TRUNC` expects Timestamp, found String, found `rep`

query: SELECT TIME_BUCKET('1 fortnight', ts) FROM sales
error: semantic errors: / line 1, column 20: bad bucket width `1 fortnight`, found `'1 fortnight'`

query: SELECT TIME_BUCKET('0 months', ts) FROM sales
error: semantic errors: / line 1, column 20: bad bucket width `0 months`, found `'0 months'`

query: SELECT DISTINCT ON (region) region FROM sales GROUP BY rep
error: semantic errors: / line 1, column 29: column `region` must appear in GROUP BY or be used in an aggregate function, found `region`

