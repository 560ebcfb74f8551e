-- Transactions: BEGIN [TRANSACTION] … COMMIT sends the statements as one
-- ExecuteTransaction: all of them happen or none. Every COMMIT carries a
-- ClientRequestToken; COMMIT WITH TOKEN 'x' names it, and sending the same
-- transaction again with the same token within 10 minutes does not run it
-- twice (reference §3.3).
CREATE TABLE Orders (id STRING PRIMARY KEY);
CREATE TABLE Stock (sku STRING PRIMARY KEY);
INSERT INTO Stock VALUE {'sku': 'pen', 'left': 3};

-- An order and its stock change, together.
BEGIN;
INSERT INTO Orders VALUE {'id': 'o1', 'sku': 'pen', 'qty': 1};
UPDATE Stock SET "left" = "left" - 1 WHERE sku = 'pen' AND "left" >= 1;
COMMIT;
SELECT * FROM Stock;

-- One condition fails: nothing happens, and each statement's reason is
-- shown at its own line.
BEGIN TRANSACTION;
INSERT INTO Orders VALUE {'id': 'o2', 'sku': 'pen', 'qty': 5};
UPDATE Stock SET "left" = "left" - 5 WHERE sku = 'pen' AND "left" >= 5;
COMMIT TRANSACTION;
SELECT * FROM Orders;
SELECT * FROM Stock;

-- A duplicate key cancels too.
BEGIN;
UPDATE Stock SET "left" = "left" - 1 WHERE sku = 'pen';
INSERT INTO Orders VALUE {'id': 'o1'};
COMMIT;
SELECT * FROM Stock;

-- EXISTS checks a condition without writing.
BEGIN;
EXISTS(SELECT * FROM Stock WHERE sku = 'pen' AND "left" > 100);
INSERT INTO Orders VALUE {'id': 'o3'};
COMMIT;

-- The same token and the same statements: the second COMMIT is a replay,
-- answered without running it again (no duplicate key, stock taken once).
BEGIN;
INSERT INTO Orders VALUE {'id': 'o4', 'sku': 'pen', 'qty': 1};
UPDATE Stock SET "left" = "left" - 1 WHERE sku = 'pen';
EXPLAIN COMMIT WITH TOKEN 'order-o4';
COMMIT WITH TOKEN 'order-o4';
BEGIN;
INSERT INTO Orders VALUE {'id': 'o4', 'sku': 'pen', 'qty': 1};
UPDATE Stock SET "left" = "left" - 1 WHERE sku = 'pen';
COMMIT WITH TOKEN 'order-o4';
SELECT * FROM Stock;
-- The same token with other statements is refused.
BEGIN;
INSERT INTO Orders VALUE {'id': 'o5'};
COMMIT WITH TOKEN 'order-o4';
SELECT * FROM Orders WHERE id = 'o5';

-- Reads: one row per statement, an empty one when the item does not exist.
BEGIN;
SELECT id, qty FROM Orders WHERE id = 'o1';
SELECT id, qty FROM Orders WHERE id = 'nothing';
SELECT sku, "left" FROM Stock WHERE sku = 'pen';
COMMIT;

-- ROLLBACK sends nothing.
BEGIN;
DELETE FROM Orders WHERE id = 'o1';
ROLLBACK;
SELECT id FROM Orders WHERE id = 'o1';

-- DynamoDB's own answers, pointed at the statement they are about.
BEGIN;
SELECT * FROM Orders WHERE id = 'o1';
UPDATE Stock SET "left" = 0 WHERE sku = 'pen';
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o6'};
SELECT * FROM Orders WHERE qty = 1;
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o7'};
UPDATE Orders SET qty = 2 WHERE id = 'o7';
COMMIT;

-- What pqsh itself refuses.
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
END BATCH;
DROP TABLE Stock;
SELECT * FROM Orders WHERE id = 'o1' LIMIT 1;
EXPLAIN BEGIN;
EXPLAIN ROLLBACK;
COMMIT;
