query: INSERT INTO users (name, age) VALUES ('Zed', 25), ('Yan', 31)
affected 2

query: SELECT name, age FROM users WHERE name IN ('Zed', 'Yan') ORDER BY name
name | age
'Yan' | 31
'Zed' | 25

query: INSERT INTO users {"name": "Xia", "profile": {"bio": "..."}}
affected 1

query: SELECT name, profile.bio FROM users WHERE name = 'Xia'
name | bio
'Xia' | '...'

query: UPDATE users SET age = 26 WHERE name = 'Alice'
affected 1

query: UPDATE users SET profile.bio = 'hello' WHERE name = 'Xia'
affected 1

query: SELECT name, age, profile.bio FROM users WHERE name IN ('Alice', 'Xia') ORDER BY name
name | age | bio
'Alice' | 26 | 'climber'
'Xia' | NULL | 'hello'

query: DELETE FROM users WHERE age < 18
affected 1

query: SELECT COUNT(*) FROM users WHERE age < 18
COUNT(*)
0

param a = "d"
param b = "e"
query: RELATE $a -[:knows {weight: 0.8}]-> $b
affected 1

query: SELECT b.name, e.weight FROM nodes TRAVERSE (a)-[e:knows]->(b) WHERE a.id = 'd'
name | weight
'E' | 0.8000

query: SUBSCRIBE users WHERE status = 'online'
users
#5

