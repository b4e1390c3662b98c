query: SELECT a.name, b.name FROM nodes TRAVERSE (a:nodes)-[r:knows*1..2]->(b) ORDER BY a.name, b.name
name | name
'A' | 'B'
'A' | 'C'
'A' | 'C'
'A' | 'D'
'B' | 'C'
'B' | 'D'
'C' | 'D'

query: SELECT u.name, f.name, c.name FROM users u TRAVERSE (u)-[:FRIENDS]->(f), (f)-[:WORKS_AT]->(c) ORDER BY f.name
name | name | name
'Alice' | 'Bob' | 'Acme'
'Alice' | 'Carol' | 'Globex'

param start = "d"
query: SELECT a.name, b.name FROM nodes TRAVERSE (a)-[:knows?]->(b) WHERE a.id = $start
name | name
'D' | NULL

query: SELECT a.name, b.name FROM nodes TRAVERSE (a)<-[:knows]-(b) WHERE a.id = 'c' ORDER BY b.name
name | name
'C' | 'A'
'C' | 'B'

query: SELECT b.name, e.weight FROM nodes TRAVERSE (a)-[e:knows]-(b) WHERE a.id = 'c' ORDER BY b.name
name | weight
'A' | 0.2000
'B' | 1.0000
'D' | 1.0000

query: SELECT b.name FROM nodes TRAVERSE (a)-[:knows {weight: 0.2}]->(b)
name
'C'

query: SELECT COUNT(*) FROM nodes TRAVERSE (a)-[:knows*]->(b) WHERE a.id = 'a'
COUNT(*)
5

query: SELECT a.name, b.name FROM nodes TRAVERSE (a)-[:knows*0..1]->(b) WHERE a.id = 'd'
name | name
'D' | 'D'

query: SELECT a.name FROM nodes TRAVERSE (a)-[:knows]->(b), (b)-[:knows]->(a)
name

