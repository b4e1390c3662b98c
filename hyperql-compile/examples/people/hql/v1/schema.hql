-- Version 1 of the schema, kept to generate version 1's code for the migration tests.
CREATE SCHEMA people (
  name String REQUIRED INDEXED,
  surname String REQUIRED,
  age Int,
  score Int REQUIRED
);

CREATE SCHEMA teams (
  title String REQUIRED
);
