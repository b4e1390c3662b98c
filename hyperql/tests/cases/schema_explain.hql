query: CREATE SCHEMA topics (
    name String REQUIRED,
    embedding Embedding(384),
    avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment
        THROUGH tagged_with INCOMING WITH DECAY Exponential(0.5)
  ) WITH EXTENSIBILITY Closed
ok
TRUE

query: ALTER SCHEMA topics ADD FIELD score Float
ok
TRUE

query: DESCRIBE SCHEMA topics DETAILED
field | type | required | indexed | cascade | scope
'name' | 'String' | TRUE | FALSE | NULL | NULL
'embedding' | 'Vector(384)' | FALSE | FALSE | NULL | NULL
'avg_sentiment' | 'Float' | FALSE | FALSE | 'CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Exponential(0.5)' | NULL
'score' | 'Float' | FALSE | FALSE | NULL | NULL

query: INSERT INTO topics (name, score) VALUES ('rust', 0.9)
affected 1

query: INSERT INTO topics (score) VALUES (0.1)
error: source error: invalid input: `topics.name` is required

query: SELECT name, score FROM topics
name | score
'rust' | 0.9000

query: CREATE SCHEMA topics (name String)
error: source error: constraint violated: schema `topics` already exists

query: DROP SCHEMA IF EXISTS topics
ok
TRUE

query: DROP SCHEMA topics
error: source error: not found: schema `topics`

query: CREATE SCHEMA bad (x Complex)
error: semantic errors: / line 1, column 22: unknown type `Complex`, found `Complex`

query: EXPLAIN SELECT name FROM users WHERE age > 30 ORDER BY name LIMIT 5
plan
'Limit limit=5'
'  TopK k=5 keys=[name]'
'    Project users.name AS name'
'      Scan users filter=[age > 30]'

query: EXPLAIN SELECT u.name FROM users u JOIN orders o ON u.id = o.user_id WHERE o.total > 10 AND u.age > 1 + 2
plan
'Project u.name AS name'
'  HashJoin Inner on=(u.id = o.user_id)'
'    Scan users AS u filter=[age > 3]'
'    Scan orders AS o filter=[total > 10]'

param q = [1.0, 0.0, 0.0]
query: EXPLAIN SELECT title FROM articles WHERE lang = 'de' ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 2
plan
'Project title'
'  Limit limit=2'
'    TopK k=2 keys=[_order0 DESC]'
'      Project articles.title AS title, SIMILARITY(articles.text_embedding, [1.0,0.0,0.0], ''cosine'') AS _order0'
'        Knn articles AS articles field=text_embedding metric=cosine k=2 query=[1.0,0.0,0.0] policy=pre-filter filter=[lang = ''de'']'

query: EXPLAIN SELECT category, COUNT(*) FROM products WHERE TRUE AND price > 10 GROUP BY category
plan
'Project category, COUNT(*)'
'  HashAggregate group=[products.category] aggs=[COUNT(*)]'
'    Scan products filter=[price > 10]'

query: CREATE SCHEMA quotes (sym String REQUIRED, at Timestamp REQUIRED, px Float) WITH TIME SERIES (at, SERIES sym)
ok
TRUE

query: INSERT INTO quotes (sym, at, px) VALUES ('A', NOW() - INTERVAL '2 hours', 1.5), ('B', NOW() - INTERVAL '1 hour', 2.5), ('A', NOW() - INTERVAL '3 days', 9.5)
affected 3

query: EXPLAIN SELECT sym, px FROM quotes WHERE at > NOW() - INTERVAL '1 day'
plan
'Project quotes.sym AS sym, quotes.px AS px'
'  Scan quotes filter=[at > <ts>] time_range=at'

query: SELECT sym, px FROM quotes WHERE at > NOW() - INTERVAL '1 day' ORDER BY px
sym | px
'A' | 1.5000
'B' | 2.5000

query: CREATE SCHEMA ticks (sym String REQUIRED, at Int REQUIRED, px Float) WITH TIME SERIES (at, SERIES sym)
ok
TRUE

query: INSERT INTO ticks (id, sym, at, px) VALUES (1, 'A', 10, 1.0), (2, 'B', 10, 2.0), (3, 'A', 20, 3.0)
affected 3

query: INSERT INTO ticks (id, sym, at, px) VALUES (4, 'A', 10, 4.0)
error: source error: constraint violated: a document of ticks is already at time 10 of series `A`

query: INSERT INTO ticks (id, sym, at, px) VALUES (5, 'C', 30, 5.0), (6, 'C', 30, 6.0)
error: source error: constraint violated: a document of ticks is already at time 30 of series `C`

query: UPDATE ticks SET at = 20 WHERE id = 1
error: source error: constraint violated: a document of ticks is already at time 20 of series `A`

query: UPDATE ticks SET at = 20, sym = 'B' WHERE id = 1
affected 1

query: DELETE FROM ticks WHERE id = 3
affected 1

query: INSERT INTO ticks (id, sym, at, px) VALUES (7, 'A', 20, 7.0), (8, 'A', 10, 8.0)
affected 2

query: SELECT id, sym, at FROM ticks ORDER BY id
id | sym | at
1 | 'B' | 20
2 | 'B' | 10
7 | 'A' | 20
8 | 'A' | 10

query: CREATE SCHEMA bad_time (sym String REQUIRED, at String REQUIRED) WITH TIME SERIES (at)
error: semantic errors: / line 1, column 84: the time field `at` must be a REQUIRED Timestamp or Int, found `at`

query: CREATE SCHEMA bad_series (sym String, at Timestamp REQUIRED) WITH TIME SERIES (at, SERIES sym)
error: semantic errors: / line 1, column 91: the series field `sym` must be a REQUIRED String, found `sym`

query: CREATE SCHEMA no_field (at Timestamp REQUIRED) WITH TIME SERIES (stamp)
error: semantic errors: / line 1, column 66: the time field `stamp` is not a field of the schema, found `stamp`

query: CREATE SCHEMA twice (at Int REQUIRED) WITH TIME SERIES (at) WITH EXTENSIBILITY Open
ok
TRUE

