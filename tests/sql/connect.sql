-- .connect switches targets; what pqsh knew about the old one is forgotten,
-- and it refuses while a transaction or batch is open.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
EXPLAIN SELECT * FROM Orders WHERE idempotency_token = 'token123';
BEGIN;
.connect local::memory:
ROLLBACK;
BEGIN BATCH;
.connect local::memory:
ROLLBACK;
.connect local::memory:
.connect
EXPLAIN SELECT * FROM Orders WHERE idempotency_token = 'token123';
SHOW TABLES;
.connect nowhere
