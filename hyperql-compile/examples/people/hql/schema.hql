-- The people store. Its history is in versions/ (record a change with
-- `hyperql-compile hql/schema.hql hql/queries --versions hql/versions --record-version`).
-- Version 2 renamed `age` to `years` (indexed), widened `score` to Float, added
-- `email` and dropped `teams`; version 3 merged `name` and `surname` into `full_name`;
-- version 4 made `years` REQUIRED.
-- renamed: people.age -> years
CREATE SCHEMA people (
  full_name String REQUIRED INDEXED,
  years Int REQUIRED INDEXED,
  score Float REQUIRED,
  email String
);
