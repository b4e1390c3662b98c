query: INSERT INTO archive (id, name, age) SELECT id, name, age FROM users WHERE age > 20
affected 3

query: SELECT id, name, age FROM archive ORDER BY id
id | name | age
1 | 'Alice' | 25
2 | 'Bob' | 31
4 | 'Dan' | 31

query: INSERT INTO archive (id, label) SELECT id + 1000, name || '!' FROM products WHERE price > 50 UNION ALL SELECT 7, 'seven'
affected 4

query: SELECT id, label FROM archive WHERE label IS NOT NULL ORDER BY id
id | label
7 | 'seven'
1203 | 'harness!'
1204 | 'helmet!'
1205 | 'tent!'

query: INSERT INTO archive (a, b) SELECT 1
error: semantic errors: / line 1, column 28: INSERT names 2 columns but its query returns 1, found `SELECT 1`

query: INSERT INTO archive SELECT u.id, o.id FROM users u JOIN orders o ON o.user_id = u.id
error: semantic errors: / line 1, column 21: INSERT would write field `id` twice; name the columns: INSERT INTO archive (a, b, ..) SELECT .., found `SELECT u.id, o.id FROM users u JOIN orders o ON o.user_id = u.id`

query: INSERT INTO archive (id, name) VALUES (1, 'Alice again'), (99, 'new') ON CONFLICT DO NOTHING
affected 1

query: SELECT id, name FROM archive WHERE id IN (1, 99) ORDER BY id
id | name
1 | 'Alice'
99 | 'new'

query: INSERT INTO archive (id, name, age) VALUES (2, 'Bob', 32), (98, 'Neo', 1) ON CONFLICT (id) DO UPDATE SET age = archive.age + excluded.age, seen = TRUE
affected 2

query: SELECT id, name, age, seen FROM archive WHERE id IN (2, 98) ORDER BY id
id | name | age | seen
2 | 'Bob' | 63 | TRUE
98 | 'Neo' | 1 | NULL

query: UPSERT INTO archive (id, age, city) VALUES (4, 40, 'Oslo'), (97, 5, 'Rome'), (4, 41, 'Lima')
affected 2

query: SELECT id, name, age, city FROM archive WHERE id IN (4, 97) ORDER BY id
id | name | age | city
4 | 'Dan' | 41 | 'Lima'
97 | NULL | 5 | 'Rome'

query: INSERT INTO archive (id, name) VALUES (1, 'x') ON CONFLICT (name) DO NOTHING
error: syntax errors: / line 1, column 61: ON CONFLICT (name): a conflict is on the entity key; write ON CONFLICT (id) or leave the target out, found `name`

query: INSERT INTO archive (id, name) VALUES (1, 'x') ON CONFLICT DO UPDATE SET name = nope.name
error: semantic errors: / line 1, column 81: unknown column `nope`; qualify it with an alias, found `nope.name`

query: EXPLAIN UPSERT INTO archive (id, age) VALUES (4, 40)
plan
'Insert archive rows=1 on conflict: merge (upsert)'

query: INSERT INTO archive (id, name) VALUES (1, 'x')
error: source error: constraint violated: an entity with id `1` already exists in `archive`

query: INSERT INTO archive (id, name) VALUES (500, 'a'), (500, 'b')
error: source error: constraint violated: an entity with id `500` already exists in `archive`

query: SELECT COUNT(*) FROM archive WHERE id = 500
COUNT(*)
0

