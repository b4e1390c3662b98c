query: SELECT FROM users
error: syntax errors: / line 1, column 8: syntax error; expected expression or select item, found `FROM`

query: SELECT name FROM nosuch
error: semantic errors: / line 1, column 18: unknown collection `nosuch`, found `nosuch`

query: SELECT name, age FROM users GROUP BY name
error: semantic errors: / line 1, column 14: column `age` must appear in GROUP BY or be used in an aggregate function, found `age`

query: SELECT name FROM users WHERE COUNT(*) > 1
error: semantic errors: / line 1, column 30: aggregate function `COUNT` is not allowed in WHERE, found `COUNT(*)`

query: SELECT SIMILARITY(text_embedding, $q, 'cosinus') FROM articles
error: semantic errors: / line 1, column 39: unknown metric `cosinus`; expected one of cosine, dot, euclidean, manhattan, jaccard, found `'cosinus'`

query: SELECT UPPER(name, 1) FROM users
error: semantic errors: / line 1, column 8: wrong number of arguments: `UPPER` takes 1, got 2, found `UPPER(name, 1)`

query: SELECT NOSUCH(name) FROM users
error: semantic errors: / line 1, column 8: unknown function `NOSUCH`, found `NOSUCH`

query: SELECT u.name FROM users u JOIN orders o ON u.id = o.user_id WHERE total > 'x'
error: semantic errors: / line 1, column 68: type mismatch: cannot apply `>` to Float and String, found `total > 'x'`

query: SELECT name FROM users ORDER BY age LIMIT $n
error: missing parameter $n

query: CREATE SCHEMA strict (name String REQUIRED, score Float) WITH EXTENSIBILITY Closed
ok
TRUE

query: SELECT nosuch FROM strict
error: semantic errors: / line 1, column 8: unknown column `nosuch` in `strict`, found `nosuch`

query: SELECT name + 1 FROM strict
error: semantic errors: / line 1, column 8: type mismatch: cannot apply `+` to String and Int, found `name + 1`

query: INSERT INTO strict (name, score) VALUES ('x', 'high')
error: semantic errors: / line 1, column 47: type mismatch: field `score` expects Float, found String, found `'high'`

query: INSERT INTO strict (name, bogus) VALUES ('x', 1)
error: semantic errors: / line 1, column 47: unknown column `bogus`, found `1`

query: SELECT name, id FROM users u JOIN orders o ON u.id = o.user_id
error: semantic errors: / line 1, column 14: column `id` is ambiguous; qualify it with one of: u, o, found `id`

query: SELECT COUNT(SUM(age)) FROM users
error: semantic errors: / line 1, column 14: aggregate functions cannot be nested, found `SUM(age)`

query: SELECT name FROM users WHERE name
error: semantic errors: / line 1, column 30: type mismatch: WHERE expects Bool, found String, found `name`

