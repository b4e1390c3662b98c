param q = [1.0, 0.1, 0.0]
query: SELECT id, title FROM articles ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 2
id | title
700 | 'x'
701 | 'xy'

param q = [1.0, 0.1, 0.0]
query: SELECT title FROM articles WHERE SIMILARITY(text_embedding, $q, 'cosine') > 0.5 ORDER BY title
title
'x'
'xy'

param q = [1.0, 0.0, 0.0]
query: SELECT title FROM articles WHERE text_embedding SIMILAR TO $q THRESHOLD 0.75
title
'x'

param q = [0.0, 1.0, 0.0]
query: SELECT id, DISTANCE(embedding, $q, 'euclidean') AS d FROM docs ORDER BY d LIMIT 3
id | d
752 | 0.0000
751 | 0.7616
750 | 1.4142

param q = [1.0, 0.0, 0.0]
query: SELECT title FROM articles WHERE lang = 'de' ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 2
title
'xy'
'z'

param q = [1.0, 0.0, 0.0]
query: SELECT title, SIMILARITY(text_embedding, $q, 'dot') AS s FROM articles ORDER BY s DESC LIMIT 2
title | s
'x' | 1.0000
'xy' | 0.7000

param q = [1.0, 0.0, 0.0]
query: SELECT title, DISTANCE(text_embedding, $q, 'manhattan') AS d FROM articles ORDER BY DISTANCE(text_embedding, $q, 'manhattan') LIMIT 1
title | d
'x' | 0.0000

