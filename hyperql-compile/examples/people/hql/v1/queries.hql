-- name: add_person
INSERT INTO people (name, surname, age, score) VALUES ($name, $surname, $age, $score);

-- name: add_team
INSERT INTO teams (title) VALUES ($title);

-- name: person_named
SELECT name, surname, age, score FROM people WHERE name = $name;
