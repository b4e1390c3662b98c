query: SELECT {name, info: {age, status}} AS o FROM users WHERE id = 1
o
{"name":"Alice","info":{"age":25,"status":"active"}}

query: SELECT {name, bio: profile.bio, tags: [status, 'x'], n: age + 1} FROM users ORDER BY name LIMIT 2
{name: name, bio: profile.bio, tags: [status, 'x'], n: age + 1}
{"name":"Alice","bio":"climber","tags":["active","x"],"n":26}
{"name":"Bob","bio":null,"tags":["pending","x"],"n":32}

query: SELECT * FROM ENDPOINTS('users.*.name') ORDER BY path
path | entity | value
'users.1.name' | 1 | 'Alice'
'users.2.name' | 2 | 'Bob'
'users.3.name' | 3 | 'Carol'
'users.4.name' | 4 | 'Dan'
'users.5.name' | 5 | 'Eve'

query: SELECT path, value FROM ENDPOINTS('users.**.bio')
path | value
'users.1.profile.bio' | 'climber'

query: SELECT entity, value FROM ENDPOINTS('users.*.age') WHERE value > 20 ORDER BY value DESC, entity
entity | value
2 | 31
4 | 31
1 | 25

query: SELECT COUNT(*) AS n FROM ENDPOINTS('users.**')
n
20

query: SELECT path, value FROM ENDPOINTS('users.1.**') ORDER BY path
path | value
'users.1.age' | 25
'users.1.name' | 'Alice'
'users.1.profile.bio' | 'climber'
'users.1.status' | 'active'
'users.1.updated_at' | 1

query: SELECT e.path FROM ENDPOINTS('people.*.profile.*') e ORDER BY e.path
path
'people.301.profile.bio'
'people.302.profile.bio'

query: SELECT u.name, e.value FROM users u JOIN ENDPOINTS('users.*.profile.bio') e ON u.id = e.entity
name | value
'Alice' | 'climber'

param p = "users.*.status"
query: SELECT value, COUNT(*) AS n FROM ENDPOINTS($p) GROUP BY value ORDER BY value
value | n
'active' | 2
'banned' | 1
'online' | 1
'pending' | 1

query: SELECT users[1].profile.bio
bio
'climber'

query: SELECT users[99].profile.bio, users[1].nope.deeper
bio | deeper
NULL | NULL

query: SELECT name, users[id].profile.bio AS bio FROM users ORDER BY name LIMIT 2
name | bio
'Alice' | 'climber'
'Bob' | NULL

query: EXPLAIN SELECT path FROM ENDPOINTS('users.*.email') WHERE value LIKE '%@%' ORDER BY path LIMIT 10
plan
'Limit limit=10'
'  TopK k=10 keys=[path]'
'    Project ENDPOINTS.path AS path'
'      Filter ENDPOINTS.value LIKE ''%@%'''
'        Endpoints ''users.*.email'' AS ENDPOINTS'

query: EXPLAIN SELECT users['u-1'].profile.bio
plan
'Project users[''u-1''].profile.bio AS bio'
'  Unit'

query: SET users['u-123'].profile.bio = 'hello', users['u-123'].contact.email = 'u@x.io'
affected 2

query: SELECT users['u-123'].profile.bio AS bio, users['u-123'].contact AS contact
bio | contact
'hello' | {"email":"u@x.io"}

query: SELECT path, entity, value FROM ENDPOINTS('users.u-123.**') ORDER BY path
path | entity | value
'users.u-123.contact.email' | 'u-123' | 'u@x.io'
'users.u-123.profile.bio' | 'u-123' | 'hello'

query: SET users[1].profile.bio = 'boulderer', users[2].profile.bio = 'new', users[2].age = 32
affected 3

query: SELECT name, age, profile.bio FROM users WHERE id IN (1, 2) ORDER BY name
name | age | bio
'Alice' | 25 | 'boulderer'
'Bob' | 32 | 'new'

query: SET users[3].status.since = 2020
affected 1

query: SELECT status FROM users WHERE id = 3
status
{"since":2020}

query: EXPLAIN SET users['k'].a.b = 1 + 1
plan
'SetEndpoints users[''k''].a.b = 2'

query: SELECT * FROM ENDPOINTS('users..x')
error: semantic errors: / line 1, column 25: bad path pattern `users..x`: empty segment (two dots in a row, or a dot at an end), found `'users..x'`

query: SELECT * FROM ENDPOINTS('*.x')
error: semantic errors: / line 1, column 25: bad path pattern `*.x`: the first segment names a collection and may not be a wildcard, found `'*.x'`

query: SELECT * FROM ENDPOINTS('users')
error: semantic errors: / line 1, column 25: bad path pattern `users`: no segment after the collection (write `collection.*.field`, or `collection.**` for every endpoint), found `'users'`

query: SELECT * FROM ENDPOINTS('users.em*il')
error: semantic errors: / line 1, column 25: bad path pattern `users.em*il`: `*` and `**` stand only for whole segments, found `'users.em*il'`

query: SELECT * FROM ENDPOINTS('nope.*.x')
error: semantic errors: / line 1, column 25: unknown collection `nope`, found `'nope.*.x'`

query: SELECT * FROM ENDPOINTS(1)
error: semantic errors: / line 1, column 25: type mismatch: ENDPOINTS expects String, found Int, found `1`

query: SELECT * FROM ENDPOINTS('a', 'b')
error: semantic errors: / line 1, column 15: ENDPOINTS takes one argument, a path pattern such as 'users.*.email', not 2, found `ENDPOINTS('a', 'b')`

query: SELECT * FROM FOO('x')
error: semantic errors: / line 1, column 15: unknown table function `FOO` (the table function is ENDPOINTS), found `FOO`

param p = "users..x"
query: SELECT * FROM ENDPOINTS($p)
error: source error: invalid input: bad path pattern `users..x`: empty segment (two dots in a row, or a dot at an end)

query: SELECT nope['k'].a
error: semantic errors: / line 1, column 8: unknown collection `nope`, found `nope`

query: SET users['k'] = 1
error: semantic errors: / line 1, column 5: SET writes a field: name it after the key, as in users['u-1'].bio, found `users['k']`

query: SET users['k'].id = 1
error: semantic errors: / line 1, column 16: `id` is a system field and cannot be SET, found `id`

query: SET users[NULL].a = 1
error: type error: the key of `users[..]` in SET is NULL

query: SET users[[1]].a = 1
error: semantic errors: / line 1, column 11: an entity key cannot be Array, found `[1]`

query: UPDATE ENDPOINTS('users.*.a') SET value = 1
error: semantic errors: / line 1, column 8: a table function is read only: use it in FROM, found `ENDPOINTS('users.*.a')`

query: SELECT {select} FROM users
error: syntax errors: / line 1, column 15: syntax error; expected :, found `}`

query: SET users['k'].a =
error: syntax errors: / line 1, column 19: syntax error; expected expression, found end of input

