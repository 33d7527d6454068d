-- Not idempotent on purpose: run twice, it fails (duplicate column).
ALTER TABLE books ADD COLUMN year INTEGER;
