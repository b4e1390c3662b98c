query: CREATE SCHEMA notes (
    title String REQUIRED,
    body String OPTIONAL,
    source String METADATA,
    lang String COLLECTION_SPECIFIC,
    topic String DOMAIN_SHARED OPTIONAL,
    tags Array(String),
    scores Map(Float),
    emb Embedding(3),
    pts Array(Embedding(2))
  )
ok
TRUE

query: DESCRIBE SCHEMA notes DETAILED
field | type | required | indexed | cascade | scope
'title' | 'String' | TRUE | FALSE | NULL | NULL
'body' | 'String' | FALSE | FALSE | NULL | NULL
'source' | 'String' | FALSE | FALSE | NULL | 'METADATA'
'lang' | 'String' | FALSE | FALSE | NULL | 'COLLECTION_SPECIFIC'
'topic' | 'String' | FALSE | FALSE | NULL | 'DOMAIN_SHARED'
'tags' | 'Array(String)' | FALSE | FALSE | NULL | NULL
'scores' | 'Map(Float)' | FALSE | FALSE | NULL | NULL
'emb' | 'Vector(3)' | FALSE | FALSE | NULL | NULL
'pts' | 'Array(Vector(2))' | FALSE | FALSE | NULL | NULL

query: DESCRIBE SCHEMA notes
field | type | required | indexed | cascade | scope
'title' | 'String' | TRUE | FALSE | NULL | NULL
'body' | 'String' | FALSE | FALSE | NULL | NULL
'source' | 'String' | FALSE | FALSE | NULL | NULL
'lang' | 'String' | FALSE | FALSE | NULL | NULL
'topic' | 'String' | FALSE | FALSE | NULL | NULL
'tags' | 'Array(String)' | FALSE | FALSE | NULL | NULL
'scores' | 'Map(Float)' | FALSE | FALSE | NULL | NULL
'emb' | 'Vector(3)' | FALSE | FALSE | NULL | NULL
'pts' | 'Array(Vector(2))' | FALSE | FALSE | NULL | NULL

query: INSERT INTO notes {"title": "a", "tags": ["x", "y"], "scores": {"q": 1, "r": 2.5}, "emb": [1.0, 0.0, 0.0], "pts": [[0.1, 0.2], [0.3, 0.4]]}
affected 1

query: INSERT INTO notes {"title": "b", "tags": ["x", 1]}
error: source error: invalid input: `notes.tags` is Array(String): an element of the array given does not fit

query: INSERT INTO notes {"title": "c", "scores": {"q": "high"}}
error: source error: invalid input: `notes.scores` is Map(Float): a value of the object given does not fit

query: INSERT INTO notes {"title": "d", "pts": [[0.1, 0.2, 0.3]]}
error: source error: invalid input: `notes.pts` is Array(Vector(2)): an element of the array given does not fit

query: INSERT INTO notes {"title": "e", "tags": [], "scores": {}}
affected 1

query: SELECT title, tags, scores FROM notes ORDER BY title
title | tags | scores
'a' | ["x","y"] | {"q":1,"r":2.5}
'e' | [] | {}

query: CREATE SCHEMA bad1 (x Complex)
error: semantic errors: / line 1, column 23: unknown type `Complex`, found `Complex`

query: CREATE SCHEMA bad2 (x Embedding(0))
error: semantic errors: / line 1, column 23: `Embedding(0)`: the dimension must be between 1 and 65536, found `Embedding(0)`

query: CREATE SCHEMA bad3 (x Array(Complex))
error: semantic errors: / line 1, column 29: unknown type `Complex`, found `Complex`

query: CREATE SCHEMA bad4 (x Int(3))
error: semantic errors: / line 1, column 23: type `Int` takes no parameters, found `Int(3)`

query: CREATE SCHEMA bad5 (x Int REQUIRED OPTIONAL)
error: syntax errors: / line 1, column 36: a field is REQUIRED or OPTIONAL, once, found `OPTIONAL`

query: CREATE SCHEMA bad6 (x Int METADATA DOMAIN_SHARED)
error: syntax errors: / line 1, column 36: a field has at most one scope (METADATA, COLLECTION_SPECIFIC or DOMAIN_SHARED), found `DOMAIN_SHARED`

query: CREATE SCHEMA bad7 (x String(Int))
error: semantic errors: / line 1, column 30: type `String` takes no element type (only Array(T) and Map(T) do), found `Int`

query: ALTER SCHEMA notes ADD FIELD rank Int OPTIONAL METADATA
ok
TRUE

query: ALTER SCHEMA notes MODIFY FIELD rank Float REQUIRED
error: source error: constraint violated: stored data does not fit schema `notes`: entity 866 has no value for field `rank` (REQUIRED Float)

query: ALTER SCHEMA notes MODIFY FIELD title Int REQUIRED
error: source error: constraint violated: stored data does not fit schema `notes`: entity 866 has String for field `title` (REQUIRED Int)

query: ALTER SCHEMA notes MODIFY FIELD scores Map(Int)
error: source error: constraint violated: stored data does not fit schema `notes`: entity 866 has a value of the object that does not fit for field `scores` (Map(Int))

query: ALTER SCHEMA notes MODIFY FIELD body Int
ok
TRUE

query: ALTER SCHEMA notes MODIFY FIELD tags Array(Any) DOMAIN_SHARED
ok
TRUE

query: ALTER SCHEMA notes MODIFY FIELD nope Int
error: semantic errors: / line 1, column 33: field `nope` does not exist (ADD FIELD adds one), found `nope`

query: UPDATE notes SET rank = 2 WHERE title <> 'zzz'
affected 2

query: ALTER SCHEMA notes MODIFY FIELD rank Float REQUIRED
ok
TRUE

query: ALTER SCHEMA notes DROP FIELD topic
ok
TRUE

query: ALTER SCHEMA notes DROP FIELD topic
error: semantic errors: / line 1, column 31: field `topic` does not exist, found `topic`

query: DESCRIBE SCHEMA notes DETAILED
field | type | required | indexed | cascade | scope
'title' | 'String' | TRUE | FALSE | NULL | NULL
'body' | 'Int' | FALSE | FALSE | NULL | NULL
'source' | 'String' | FALSE | FALSE | NULL | 'METADATA'
'lang' | 'String' | FALSE | FALSE | NULL | 'COLLECTION_SPECIFIC'
'tags' | 'Array(Any)' | FALSE | FALSE | NULL | 'DOMAIN_SHARED'
'scores' | 'Map(Float)' | FALSE | FALSE | NULL | NULL
'emb' | 'Vector(3)' | FALSE | FALSE | NULL | NULL
'pts' | 'Array(Vector(2))' | FALSE | FALSE | NULL | NULL
'rank' | 'Float' | TRUE | FALSE | NULL | NULL

query: CREATE SCHEMA topics (
    name String REQUIRED,
    trend Float CASCADED AS AGGREGATE MovingMean(3) FROM sentiment THROUGH tagged_with related_to INCOMING,
    p90 Float CASCADED AS AGGREGATE Percentile(90) FROM sentiment THROUGH tagged_with INCOMING,
    mid Float CASCADED AS AGGREGATE Median FROM sentiment THROUGH tagged_with INCOMING,
    spread Float CASCADED AS AGGREGATE StdDev FROM sentiment THROUGH tagged_with BOTH
  )
ok
TRUE

query: DESCRIBE SCHEMA topics DETAILED
field | type | required | indexed | cascade | scope
'name' | 'String' | TRUE | FALSE | NULL | NULL
'trend' | 'Float' | FALSE | FALSE | 'CASCADED AS AGGREGATE MovingMean(3) FROM sentiment THROUGH tagged_with related_to INCOMING' | NULL
'p90' | 'Float' | FALSE | FALSE | 'CASCADED AS AGGREGATE Percentile(90) FROM sentiment THROUGH tagged_with INCOMING' | NULL
'mid' | 'Float' | FALSE | FALSE | 'CASCADED AS AGGREGATE Median FROM sentiment THROUGH tagged_with INCOMING' | NULL
'spread' | 'Float' | FALSE | FALSE | 'CASCADED AS AGGREGATE StdDev FROM sentiment THROUGH tagged_with BOTH' | NULL

query: CREATE SCHEMA bad8 (x Float CASCADED AS AGGREGATE Percentile(150) FROM s THROUGH e INCOMING)
error: semantic errors: / line 1, column 62: `Percentile(150)`: p must be a number in [0, 100], found `150`

query: CREATE SCHEMA bad9 (x Float CASCADED AS AGGREGATE Percentile FROM s THROUGH e INCOMING)
error: semantic errors: / line 1, column 51: `Percentile(p)` takes one number p in [0, 100], found `Percentile`

query: CREATE SCHEMA bad10 (x Float CASCADED AS AGGREGATE MovingMean(0) FROM s THROUGH e INCOMING)
error: semantic errors: / line 1, column 63: `MovingMean(0)`: n must be an integer >= 1, found `0`

query: CREATE SCHEMA bad11 (x Float CASCADED AS AGGREGATE Median(3) FROM s THROUGH e INCOMING)
error: semantic errors: / line 1, column 52: `Median` takes no arguments, found `Median`

query: CREATE SCHEMA bad12 (x Float CASCADED AS AGGREGATE Mode FROM s THROUGH e INCOMING)
error: semantic errors: / line 1, column 52: unknown aggregate `Mode` (expected Count, Sum, Average, Min, Max, Latest, Median, StdDev, MovingMean(n) or Percentile(p)), found `Mode`

query: SELECT title FROM documents WHERE position NEAR POSITION(0.0, 0.0) LIMIT 3
title
'root'
'near'
'mid'

query: SELECT title FROM documents WHERE position NEAR 802
title
'mid'
'near'
'root'
'far'

query: SELECT title FROM documents WHERE position NEAR POSITION(0.0, 0.0) ORDER BY title DESC
title
'root'
'near'
'mid'
'far'

query: EXPLAIN SELECT title FROM documents WHERE position NEAR POSITION(0.0, 0.0) LIMIT 3
plan
'Project title'
'  Limit limit=3'
'    TopK k=3 keys=[_order0]'
'      Project documents.title AS title, documents.position DISTANCE FROM [0.0,0.0] AS _order0'
'        GeoNear documents AS documents field=position anchor=[0.0,0.0] radius=inf'

query: SELECT title FROM documents ORDER BY position DISTANCE POSITION(0.0, 0.0) LIMIT 3
title
'root'
'near'
'mid'

query: SELECT title FROM documents WHERE NEAR(position, 1.2, POSITION(0.0, 0.0)) ORDER BY position DISTANCE FROM POSITION(0.0, 0.0)
title
'root'
'near'
'mid'

query: SELECT title FROM documents WHERE WITHIN(position, 1.0, 802) ORDER BY title
title
'mid'
'near'

query: EXPLAIN SELECT title FROM documents WHERE NEAR(position, 1.2, POSITION(0.0, 0.0))
plan
'Project documents.title AS title'
'  GeoNear documents AS documents field=position anchor=[0.0,0.0] radius=1.2'

query: EXPLAIN SELECT title FROM documents WHERE position NEAR POSITION(0.0, 0.0) WITHIN 1.2
plan
'Project documents.title AS title'
'  GeoNear documents AS documents field=position anchor=[0.0,0.0] radius=1.2'

query: SELECT title FROM documents WHERE NEAR(position, 1.2)
error: syntax errors: / line 1, column 35: NEAR(position, radius, anchor) and WITHIN(..) take three arguments, found `NEAR(position, 1.2)`

query: SELECT POSITION(1, 2.5) AS p
p
[1.0,2.5]

query: SELECT POSITION(1, 'a') AS p
error: semantic errors: / line 1, column 20: type mismatch: argument 2 of `POSITION` expects Float, found String, found `'a'`

