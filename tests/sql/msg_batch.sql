-- BatchExecuteStatement's messages (reference §3.2), each from a BEGIN BATCH
-- block on the embedded engine. A batch is not atomic: each statement has
-- its own outcome (HTTP 200, an Error in its slot) unless the request as a
-- whole is refused. See MESSAGES.md for the messages pqsh cannot provoke.
CREATE TABLE Orders (id STRING PRIMARY KEY);
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle),
    INDEX byTitle GLOBAL (SongTitle));
INSERT INTO Orders VALUE {'id': 'o1', 'amount': 10};
INSERT INTO Orders VALUE {'id': 'o2', 'amount': 20};
INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Rocks', 'year': 2020};

-- Per-slot errors of reads: every read names one whole primary key of the
-- table by equality and nothing else (a batch read is a BatchGetItem, which
-- has no filter); a missing table fails its slot only.
BEGIN BATCH;
SELECT * FROM Orders WHERE id = 'o1';
SELECT * FROM Music WHERE Artist = 'Acme';
SELECT * FROM "Music"."byTitle" WHERE SongTitle = 'Rocks';
SELECT * FROM Orders WHERE amount = 20;
SELECT * FROM Orders WHERE id = 'o2' AND amount = 20;
SELECT * FROM Nowhere WHERE id = 'o1';
SELECT * FROM Orders WHERE id = 'o3' AND amount = 1e2147483648;
SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Rocks';
END BATCH;

-- Whole-request errors: two reads of one item; reads mixed with writes.
BEGIN BATCH;
SELECT * FROM Orders WHERE id = 'o1';
SELECT amount FROM Orders WHERE id = 'o1';
END BATCH;
BEGIN BATCH;
UPDATE Orders SET amount = 11 WHERE id = 'o1';
SELECT * FROM Orders WHERE id = 'o2';
END BATCH;

-- Per-slot errors of writes; the others are applied.
BEGIN BATCH;
INSERT INTO Orders VALUE {'id': 'o1'};
UPDATE Orders SET amount = 1 WHERE id = 'nobody';
DELETE FROM Orders WHERE id = 'o2' AND amount > 100;
UPDATE Orders SET amount = 1 WHERE amount = 10;
EXISTS(SELECT * FROM Orders WHERE id = 'o1' AND amount = 10);
INSERT INTO Nowhere VALUE {'id': 'x'};
UPDATE Orders SET amount = amount + 1 WHERE id = 'o1';
INSERT INTO Orders VALUE {'id': 'o3', 'amount': 30};
END BATCH;
SELECT * FROM Orders;
