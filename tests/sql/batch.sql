-- Batches: INSERT … VALUES with several rows, and BEGIN BATCH … END BATCH,
-- go out as BatchExecuteStatement, 25 statements per call. Every statement
-- gets its own outcome line in input order; failures are reported at their
-- row or statement and make the exit status 1. A batch is not atomic.
CREATE TABLE Orders (id STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'id': 'o2', 'amount': 20};

-- Row 3 repeats a key that exists: only it fails.
INSERT INTO Orders (id, amount) VALUES ('o1', 10), ('o3', 30),
    ('o2', 99), ('o4', 40);
SELECT id, amount FROM Orders WHERE id IN ['o1', 'o2', 'o3', 'o4'];

-- 30 rows: two calls (25 + 5), numbered across both.
EXPLAIN INSERT INTO Orders (id) VALUES ('a01'), ('a02'), ('a03'), ('a04'), ('a05'), ('a06'), ('a07'), ('a08'), ('a09'), ('a10'), ('a11'), ('a12'), ('a13'), ('a14'), ('a15'), ('a16'), ('a17'), ('a18'), ('a19'), ('a20'), ('a21'), ('a22'), ('a23'), ('a24'), ('a25'), ('a26'), ('a27'), ('a28'), ('a29'), ('a30');
INSERT INTO Orders (id) VALUES ('a01'), ('a02'), ('a03'), ('a04'), ('a05'), ('a06'), ('a07'), ('a08'), ('a09'), ('a10'), ('a11'), ('a12'), ('a13'), ('a14'), ('a15'), ('a16'), ('a17'), ('a18'), ('a19'), ('a20'), ('a21'), ('a22'), ('a23'), ('a24'), ('a25'), ('a26'), ('o1'), ('a28'), ('a29'), ('a30');

-- A block of writes: INSERT, UPDATE, DELETE, each statement on its own.
BEGIN BATCH;
UPDATE Orders SET amount = amount + 1 WHERE id = 'o1';
UPDATE Orders SET amount = 1 WHERE id = 'missing';
DELETE FROM Orders WHERE id = 'o3';
INSERT INTO Orders (id, amount) VALUES ('o5', 50), ('o6', 60);
DELETE FROM Orders WHERE id = 'o4' AND amount = 1;
EXPLAIN END BATCH;
END BATCH;
SELECT id, amount FROM Orders WHERE id IN ['o1', 'o3', 'o4', 'o5', 'o6'];

-- A block of reads: each names the full key; found items are the result.
BEGIN BATCH;
SELECT id, amount FROM Orders WHERE id = 'o1';
SELECT id, amount FROM Orders WHERE id = 'nothing';
SELECT * FROM Orders WHERE id = 'o5';
END BATCH;

-- DynamoDB's own answers: reads need the whole key, a batch is all reads
-- or all writes, EXISTS belongs in transactions, tables must exist.
BEGIN BATCH;
SELECT * FROM Orders WHERE amount = 10;
SELECT * FROM Nowhere WHERE id = 'x';
END BATCH;
BEGIN BATCH;
SELECT * FROM Orders WHERE id = 'o1';
INSERT INTO Orders VALUE {'id': 'o7'};
END BATCH;
BEGIN BATCH;
EXISTS(SELECT * FROM Orders WHERE id = 'o1' AND amount = 11);
END BATCH;

-- ROLLBACK discards a batch; what pqsh itself refuses.
BEGIN BATCH;
INSERT INTO Orders VALUE {'id': 'never'};
ROLLBACK;
SELECT * FROM Orders WHERE id = 'never';
END BATCH;
BEGIN BATCH;
BEGIN BATCH;
COMMIT;
CREATE TABLE Other (id STRING PRIMARY KEY);
SELECT * FROM Orders LIMIT 1;
DESCRIBE Orders;
END BATCH;
