query: SELECT * FROM users ORDER BY age DESC LIMIT 2
age | id | name | profile | status | updated_at
NULL | 5 | 'Eve' | NULL | 'online' | NULL
31 | 2 | 'Bob' | NULL | 'pending' | NULL

query: SELECT DISTINCT age FROM users ORDER BY age
age
17
25
31
NULL

query: SELECT name, profile.bio FROM people.Person p WHERE p.age BETWEEN 18 AND 65
name | bio
'Pia' | 'painter'

query: SELECT name FROM products WHERE price NOT BETWEEN 10.0 AND 50.0 OR category LIKE '%sale%'
name
'chalk'
'harness'
'helmet'
'tent'

query: SELECT name FROM users WHERE status IN ('active', 'pending') AND updated_at IS NOT NULL
name
'Alice'
'Carol'

query: SELECT name FROM users WHERE status IN () ORDER BY name
name

query: SELECT name FROM users WHERE age NOT IN () ORDER BY name
name
'Alice'
'Bob'
'Carol'
'Dan'
'Eve'

query: SELECT name FROM users WHERE age IN () OR age NOT IN (31, NULL) ORDER BY name
name

param min = 30
query: SELECT name FROM users WHERE age > @min ORDER BY name
name
'Bob'
'Dan'

query: SELECT p.name, a.ward FROM patients.Patient p LEFT JOIN admissions.Admission a ON p.id = a.patient_id
name | ward
'Ann' | 'B2'
'Ben' | NULL

query: SELECT category, COUNT(*), AVG(price) FROM products GROUP BY category HAVING COUNT(*) > 3
category | COUNT(*) | AVG(price)
'climbing' | 4 | 42.0000

query: SELECT name, age * 2 + 1 AS double_age FROM users WHERE NOT (age < 18 OR age > 65) ORDER BY name LIMIT 10 OFFSET 1
name | double_age
'Bob' | 63
'Dan' | 63

query: SELECT name, CASE WHEN age < 18 THEN 'minor' ELSE 'adult' END AS class FROM users ORDER BY id
name | class
'Alice' | 'adult'
'Bob' | 'adult'
'Carol' | 'minor'
'Dan' | 'adult'
'Eve' | 'adult'

query: SELECT COUNT(DISTINCT category) AS n, COUNT(*) AS all_rows, SUM(price), MIN(name), MAX(price) FROM products
n | all_rows | SUM(price) | MIN(name) | MAX(price)
3 | 6 | 318.0000 | 'chalk' | 120.0000

param min = 20
query: SELECT u.name, o.total FROM users u JOIN orders o ON u.id = o.user_id WHERE o.total > $min ORDER BY o.total
name | total
'Alice' | 30.0000
'Bob' | 99.0000

query: SELECT u.name, o.id FROM users u RIGHT JOIN orders o ON u.id = o.user_id ORDER BY o.id
name | id
'Alice' | 101
'Alice' | 102
'Bob' | 103
NULL | 104

query: SELECT u.name, o.id FROM users u FULL JOIN orders o ON u.id = o.user_id ORDER BY o.id, u.name
name | id
'Alice' | 101
'Alice' | 102
'Bob' | 103
NULL | 104
'Carol' | NULL
'Dan' | NULL
'Eve' | NULL

query: SELECT COUNT(*) FROM users u, orders o
COUNT(*)
20

query: SELECT name FROM users WHERE age = NULL
name

query: SELECT name FROM users WHERE age IS NULL OR age > 30 ORDER BY name
name
'Bob'
'Dan'
'Eve'

query: SELECT 1 + 2 * 3 AS x, 7 / 2 AS int_div, 7.0 / 2 AS div, 'a' || 'b' AS s, NULL AND FALSE AS n
x | int_div | div | s | n
7 | 3 | 3.5000 | 'ab' | FALSE

query: SELECT 9223372036854775807 + 1
error: arithmetic error: integer overflow

query: SELECT 1 / 0
error: arithmetic error: division by zero

query: SELECT UPPER(name) AS u, LENGTH(name) AS l FROM users WHERE name LIKE '_o%'
u | l
'BOB' | 3

query: SELECT name FROM users ORDER BY age DESC, name
name
'Eve'
'Bob'
'Dan'
'Alice'
'Carol'

query: SELECT COUNT(*) FROM users WHERE status NOT IN ('active', 'pending')
COUNT(*)
2

query: SELECT age, COUNT(*) AS n FROM users GROUP BY age ORDER BY n DESC, age
age | n
31 | 2
17 | 1
25 | 1
NULL | 1

query: SELECT name FROM products WHERE price > (SELECT AVG(price) FROM products) ORDER BY name
name
'harness'
'helmet'
'tent'

query: SELECT name, (SELECT COUNT(*) FROM orders) AS n FROM users WHERE id = 1
name | n
'Alice' | 4

query: SELECT name FROM users WHERE age = (SELECT age FROM users)
error: type error: a subquery used as a value returned 5 rows

query: SELECT name FROM users WHERE age = (SELECT id, age FROM users)
error: semantic errors: / line 1, column 36: a subquery used as a value must return one column, not 2, found `(SELECT id, age FROM users)`

query: EXPLAIN SELECT name FROM products WHERE price > (SELECT MAX(price) FROM products WHERE category = 'camping')
plan
'Project products.name AS name'
'  Scan products filter=[price > 30.0]'

query: SELECT name FROM users.User u WHERE u.age > 20 ORDER BY name
name
'Alice'
'Bob'
'Dan'

query: SELECT u.name, o.total FROM users.User u JOIN orders.Order o ON o.user_id = u.id ORDER BY o.total
name | total
'Alice' | 12.5000
'Alice' | 30.0000
'Bob' | 99.0000

query: SELECT name FROM people.Robot
name
'R2'

