query: SELECT age FROM users WHERE age IS NOT NULL UNION SELECT user_id FROM orders ORDER BY age
age
1
2
9
17
25
31

query: SELECT age FROM users WHERE age IS NOT NULL UNION ALL SELECT user_id FROM orders ORDER BY age DESC LIMIT 4
age
31
31
25
17

query: SELECT age FROM users UNION SELECT age FROM users ORDER BY age
age
17
25
31
NULL

query: SELECT age FROM users INTERSECT SELECT user_id + 30 FROM orders
age
31

query: SELECT status FROM users EXCEPT SELECT 'active' ORDER BY status
status
'banned'
'online'
'pending'

query: SELECT age FROM users EXCEPT ALL SELECT 31 ORDER BY age
age
17
25
31
NULL

query: SELECT age FROM users INTERSECT ALL SELECT age FROM users WHERE age = 31 OR age IS NULL ORDER BY age
age
31
31
NULL

query: SELECT 1 AS n UNION SELECT 2 INTERSECT SELECT 2 ORDER BY n
n
1
2

query: (SELECT 1 AS n UNION SELECT 2) INTERSECT SELECT 2
n
2

query: (SELECT name FROM users ORDER BY name LIMIT 2) UNION ALL (SELECT name FROM products ORDER BY name LIMIT 1) ORDER BY name
name
'Alice'
'Bob'
'chalk'

query: SELECT name FROM users ORDER BY name UNION SELECT name FROM products
error: syntax errors: / line 1, column 1: ORDER BY before a set operation: put this SELECT in parentheses, or move ORDER BY to the end to apply it to the whole result, found `SELECT name FROM users ORDER BY name`

query: SELECT name, age FROM users UNION SELECT name FROM products
error: semantic errors: / line 1, column 1: each side of UNION must return as many columns: 2 and 1, found `SELECT name, age FROM users UNION SELECT name FROM products`

query: SELECT name FROM users UNION SELECT price FROM products
error: semantic errors: / line 1, column 1: column 1 of UNION is String on one side and Float on the other, found `SELECT name FROM users UNION SELECT price FROM products`

query: WITH adults AS (SELECT name, age FROM users WHERE age >= 18) SELECT name FROM adults WHERE age > 26 ORDER BY name
name
'Bob'
'Dan'

query: WITH adults AS (SELECT name, age FROM users WHERE age >= 18) SELECT * FROM adults ORDER BY name
name | age
'Alice' | 25
'Bob' | 31
'Dan' | 31

query: WITH big (uid, spent) AS (SELECT user_id, SUM(total) FROM orders GROUP BY user_id), named AS (SELECT u.name, b.spent FROM users u JOIN big b ON u.id = b.uid) SELECT name, spent FROM named ORDER BY spent DESC
name | spent
'Bob' | 99.0000
'Alice' | 42.5000

query: WITH a AS (SELECT 1 AS x) SELECT a.x, b.x AS y FROM a, a b
x | y
1 | 1

query: WITH t AS (SELECT name FROM users) SELECT nope FROM t
error: semantic errors: / line 1, column 43: unknown column `nope` in `t`, found `nope`

query: WITH t AS (SELECT 1 AS x), t AS (SELECT 2 AS x) SELECT x FROM t
error: semantic errors: / line 1, column 28: `t` is defined twice in one WITH, found `t`

query: WITH t (a, b) AS (SELECT 1) SELECT a FROM t
error: semantic errors: / line 1, column 6: `t` names 2 columns but its query returns 1, found `t`

query: WITH t AS (SELECT u.id, o.id FROM users u JOIN orders o ON u.id = o.user_id) SELECT * FROM t
error: semantic errors: / line 1, column 6: `t` has two columns named `id`; name its columns: t(a, b, ..), found `t`

query: WITH t AS (SELECT 1 AS x) SELECT x FROM t UNION ALL SELECT x + 1 FROM t ORDER BY x
x
1
2

query: WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n ORDER BY i
i
1
2
3
4
5

query: WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n LIMIT 3
i
1
2
3

query: WITH RECURSIVE fib (a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib WHERE b < 30) SELECT a FROM fib ORDER BY a
a
0
1
1
2
3
5
8
13
21

query: WITH RECURSIVE m (x) AS (SELECT 1 UNION SELECT (x * 3) % 7 FROM m) SELECT x FROM m ORDER BY x
x
1
2
3
4
5
6

query: WITH RECURSIVE n (i) AS (SELECT i FROM n UNION ALL SELECT 1) SELECT i FROM n
error: semantic errors: / line 1, column 16: the first part of recursive `n` (before UNION) may not read `n`, found `n`

query: WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3 ORDER BY i) SELECT i FROM n
error: semantic errors: / line 1, column 26: recursive `n` cannot have its own ORDER BY, LIMIT or OFFSET; put them in the query that reads it, found `SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3 ORDER BY i`

query: WITH RECURSIVE t (n) AS (SELECT 1 UNION ALL SELECT 2) SELECT n FROM t ORDER BY n
n
1
2

query: EXPLAIN WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n
plan
'Project n.i AS i'
'  Project {i: i} AS n'
'    RecursiveCte n (UNION ALL: base, then step until no new rows)'
'      Project 1'
'        Unit'
'      Project (n.i + 1) AS i + 1'
'        Filter (n.i < 5)'
'          Project {i: i} AS n'
'            WorkTable n (rows of the previous round)'

query: EXPLAIN SELECT age FROM users UNION SELECT user_id FROM orders
plan
'SetOp UNION'
'  Project users.age AS age'
'    Scan users'
'  Project orders.user_id AS user_id'
'    Scan orders'

query: SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) ORDER BY name
name
'Alice'
'Bob'

query: SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) ORDER BY name
name
'Carol'
'Dan'
'Eve'

query: SELECT name FROM users WHERE id IN (SELECT user_id FROM orders) ORDER BY name
name
'Alice'
'Bob'

query: SELECT name FROM users WHERE id NOT IN (SELECT user_id FROM orders) ORDER BY name
name
'Carol'
'Dan'
'Eve'

query: SELECT name FROM users WHERE age NOT IN (SELECT age FROM users WHERE status = 'online') ORDER BY name
name

query: SELECT name FROM users WHERE age IN (SELECT age FROM users WHERE id > 100) ORDER BY name
name

query: SELECT name, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.id) AS n, (SELECT SUM(total) FROM orders o WHERE o.user_id = u.id) AS spent FROM users u ORDER BY name
name | n | spent
'Alice' | 2 | 42.5000
'Bob' | 1 | 99.0000
'Carol' | 0 | NULL
'Dan' | 0 | NULL
'Eve' | 0 | NULL

query: SELECT name FROM users u WHERE (SELECT MAX(total) FROM orders o WHERE o.user_id = u.id) > 20 ORDER BY name
name
'Alice'
'Bob'

query: SELECT o.id FROM orders o WHERE o.total > (SELECT AVG(p.total) FROM orders p WHERE p.user_id = o.user_id) ORDER BY o.id
id
101

query: SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND EXISTS (SELECT 1 FROM products p WHERE p.price > o.total AND p.price < u.age + 20)) ORDER BY name
name
'Alice'

query: SELECT u.name, o.id FROM users u JOIN orders o ON o.user_id = u.id WHERE EXISTS (SELECT 1 FROM products p WHERE p.price > o.total) ORDER BY o.id
name | id
'Alice' | 101
'Alice' | 102
'Bob' | 103

query: SELECT EXISTS (SELECT 1 FROM orders WHERE total > 50) AS big, EXISTS (SELECT 1 FROM orders WHERE total > 500) AS huge
big | huge
TRUE | FALSE

query: SELECT status, COUNT(*) AS n FROM users u GROUP BY status HAVING EXISTS (SELECT 1 FROM users v WHERE v.status = u.status AND v.age > 30) ORDER BY status
status | n
'banned' | 1
'pending' | 1

query: SELECT name FROM users WHERE id IN (SELECT user_id, total FROM orders)
error: semantic errors: / line 1, column 37: a subquery after IN must return one column, not 2, found `SELECT user_id, total FROM orders`

query: SELECT name FROM users WHERE name IN (SELECT total FROM orders)
error: semantic errors: / line 1, column 39: type mismatch: IN compares String with a subquery of Float, found `SELECT total FROM orders`

query: SELECT name FROM users u WHERE (SELECT o.id FROM orders o WHERE o.user_id = u.id) > 0
error: type error: a subquery used as a value returned 2 rows

query: EXPLAIN SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)
plan
'Project u.name AS name'
'  Filter EXISTS (Project 1;   Filter (o.user_id = outer#0);     Scan orders AS o) with outer#0.. = u.id'
'    Scan users AS u'

query: SELECT status FROM users u GROUP BY u.status HAVING EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)
error: semantic errors: / line 1, column 102: column `u.id` must appear in GROUP BY to be read by a subquery after it, found `u.id`

query: WITH spenders AS (SELECT user_id FROM orders WHERE total > 20) SELECT name FROM users u WHERE u.id IN (SELECT user_id FROM spenders) ORDER BY name
name
'Alice'
'Bob'

