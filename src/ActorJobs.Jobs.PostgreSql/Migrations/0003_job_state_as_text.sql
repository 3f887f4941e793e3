-- A row's state is the engine's own JSON (JobRowJson), written and read whole by the engine; no query looks inside it.
-- As json, every row write had the server parse the document to validate it, on each claim and each completion.
-- Stored as text it is the same bytes, and still readable, and castable to json, for anyone looking at the table.
ALTER TABLE jobs ALTER COLUMN state TYPE text;
