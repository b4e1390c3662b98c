query: INSERT INTO notes (id, desc, order, type, key, value, timestamp, count, left) VALUES (1, 'd', 2, 't', 'k', 'v', 5, 3, 'l'), (2, 'e', 1, 'u', 'j', 'w', 6, 4, 'm')
affected 2

query: SELECT desc, order, type, key, value, timestamp, count, left FROM notes ORDER BY order DESC
desc | order | type | key | value | timestamp | count | left
'd' | 2 | 't' | 'k' | 'v' | 5 | 3 | 'l'
'e' | 1 | 'u' | 'j' | 'w' | 6 | 4 | 'm'

query: SELECT n.desc AS desc, order AS set FROM notes n WHERE desc = 'd' AND order > 1
desc | set
'd' | 2

query: SELECT COUNT(*) AS count, MAX(order) AS order FROM notes GROUP BY type ORDER BY order
count | order
1 | 1
1 | 2

query: UPDATE notes SET desc = 'f', order = order + 10 WHERE order = 1
affected 1

query: SELECT desc, order FROM notes ORDER BY order
desc | order
'd' | 2
'f' | 11

query: SELECT FROM notes
error: syntax errors: / line 1, column 8: syntax error; expected expression or select item, found `FROM`

query: SELECT desc FROM notes WHERE
error: syntax errors: / line 1, column 29: syntax error; expected expression, found end of input

