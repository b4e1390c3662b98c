-- The readings store. Its history is in versions/ (record a change with
-- `hyperql-compile hql/schema.hql hql/queries --versions hql/versions --record-version`).
-- Version 1 kept readings as plain documents and events as a time series; version 2
-- made readings a time series by sensor and dropped events; version 3 moved the
-- series to the site, renamed `value` to `reading` and added `unit`; version 4
-- added `quality`.
CREATE SCHEMA readings (
  sensor String REQUIRED,
  site String REQUIRED,
  at Int REQUIRED,
  reading Float,
  unit String,
  quality Int
) WITH TIME SERIES (at, SERIES site);
