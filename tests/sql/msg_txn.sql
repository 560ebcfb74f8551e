-- ExecuteTransaction's messages (reference §3.3, §4.7), each from a
-- BEGIN … COMMIT block on the embedded engine. A static error names the
-- statement (TransactStatements[i], 0-based) and nothing runs; a runtime
-- failure cancels the whole transaction with a reason per statement.
-- See MESSAGES.md for the messages pqsh cannot provoke.
CREATE TABLE Orders (id STRING PRIMARY KEY);
CREATE TABLE Music (Artist STRING, SongTitle STRING, year NUMBER, PRIMARY KEY (Artist, SongTitle),
    INDEX byTitle GLOBAL (SongTitle), INDEX byYear LOCAL (Artist, year));
INSERT INTO Orders VALUE {'id': 'o1', 'amount': 10};
INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Rocks', 'year': 2020};

-- Reads: the whole primary key of the table, never an index.
BEGIN;
SELECT * FROM Orders WHERE id = 'o1';
SELECT * FROM Music WHERE Artist = 'Acme';
COMMIT;
BEGIN;
SELECT * FROM "Music"."byTitle" WHERE SongTitle = 'Rocks';
COMMIT;
BEGIN;
SELECT * FROM "Music"."byYear" WHERE Artist = 'Acme' AND year = 2020;
COMMIT;

-- Writes: no RETURNING; the key by equality; DynamoDB's own parse errors.
BEGIN;
UPDATE Orders SET amount = 11 WHERE id = 'o1' RETURNING ALL NEW *;
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2'};
DELETE FROM Orders WHERE id = 'o1' RETURNING ALL OLD *;
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2'};
UPDATE Orders SET amount = 1 WHERE amount = 10;
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2', 'amount': 1e2147483648};
COMMIT;

-- EXISTS: one whole key and at least one more condition, on the table.
BEGIN;
EXISTS(SELECT * FROM Orders WHERE id = 'o1');
INSERT INTO Orders VALUE {'id': 'o2'};
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2'};
EXISTS(SELECT * FROM Music WHERE Artist = 'Acme' AND year = 2020);
COMMIT;
BEGIN;
EXISTS(SELECT * FROM "Music"."byYear" WHERE Artist = 'Acme' AND year = 2020 AND SongTitle = 'Rocks');
INSERT INTO Orders VALUE {'id': 'o2'};
COMMIT;
-- Any other bare expression is no statement of a transaction.
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2'};
amount IS NULL;
COMMIT;

-- Whole-request rules: reads or writes, one operation per item.
BEGIN;
SELECT * FROM Orders WHERE id = 'o1';
EXISTS(SELECT * FROM Orders WHERE id = 'o1' AND amount = 10);
COMMIT;
BEGIN;
UPDATE Orders SET amount = 11 WHERE id = 'o1';
DELETE FROM Orders WHERE id = 'o1';
COMMIT;

-- Runtime failures cancel everything, each statement with its reason.
SET s = '0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789';
SET kb = [s, s, s, s, s, s, s, s, s, s];
SET kb10 = [kb, kb, kb, kb, kb, kb, kb, kb, kb, kb];
SET kb100 = [kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10];
INSERT INTO Orders VALUE {'id': 'big', 'a': kb100, 'b': kb100, 'c': kb100};
BEGIN;
INSERT INTO Orders VALUE {'id': 'o2'};
UPDATE Orders SET amount = 1 WHERE id = 'nobody';
COMMIT;
BEGIN;
UPDATE Orders SET amount = 11 WHERE id = 'o1';
INSERT INTO Orders VALUE {'id': 'big'};
COMMIT;
BEGIN;
UPDATE Orders SET amount = 11 WHERE id = 'o1';
UPDATE Orders SET d = kb100 SET e = kb10 WHERE id = 'big';
COMMIT;
BEGIN;
EXISTS(SELECT * FROM Orders WHERE id = 'o1' AND amount > 100);
INSERT INTO Nowhere VALUE {'id': 'x'};
COMMIT;

-- Idempotency: the same token with other statements is refused.
BEGIN;
INSERT INTO Orders VALUE {'id': 'o4'};
COMMIT WITH TOKEN 'msg-txn-1';
BEGIN;
INSERT INTO Orders VALUE {'id': 'o5'};
COMMIT WITH TOKEN 'msg-txn-1';

-- None of the failed transactions left anything behind.
SELECT id, amount FROM Orders;
