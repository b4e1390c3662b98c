-- name: add_person
INSERT INTO people (full_name, years, score) VALUES ($full_name, $years, $score);

-- name: person_named
SELECT full_name, years, score, email FROM people WHERE full_name = $full_name;

-- name: at_least
SELECT full_name FROM people WHERE years >= $years ORDER BY full_name;
