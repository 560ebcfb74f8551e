-- A statement that fails inside BEGIN … COMMIT or BEGIN BATCH … END BATCH
-- aborts the block (psql's model): later statements are checked but not
-- queued, and COMMIT / END BATCH sends nothing and ends the block as
-- ROLLBACK does. Nothing of an aborted block reaches the table.
CREATE TABLE Bank (acct STRING PRIMARY KEY);
INSERT INTO Bank VALUE {'acct': 'alice', 'bal': 500};
INSERT INTO Bank VALUE {'acct': 'bob', 'bal': 0};

-- The bank transfer of issue 14: the typo (:dest is undefined) must not
-- let the debit be committed alone.
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;
COMMIT;
SELECT acct, bal FROM Bank;

-- A parse error aborts too; so does a statement refused inside a block.
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
UPDAT Bank SET bal = bal + 100 WHERE acct = 'bob';
UPDATE Bank SET bal = bal + 100 WHERE acct = 'bob';
EXPLAIN COMMIT;
COMMIT;
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
SELECT * FROM Bank LIMIT 1;
COMMIT;
SELECT acct, bal FROM Bank;

-- ROLLBACK ends an aborted block without complaint.
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;
ROLLBACK;

-- A batch is dropped whole: its rows were written as one unit, and running
-- the corrected script again then sends each row once.
BEGIN BATCH;
INSERT INTO Bank VALUE {'acct': 'carol', 'bal': 10};
INSERT INTO Bank VALUE {'acct': 'dave', 'bal': :dave_balance};
INSERT INTO Bank VALUE {'acct': 'erin', 'bal': 30};
END BATCH;
SELECT acct, bal FROM Bank;

-- A COMMIT that does not parse leaves the block open (and not aborted):
-- the next COMMIT sends it. The token may come from a variable.
SET dest = 'bob';
SET transfer = 'transfer-0001';
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;
COMMIT WITH TOKE 'transfer-0001';
COMIT;
COMMIT WITH TOKEN :no_such_token;
COMMIT WITH TOKEN :transfer;
SELECT acct, bal FROM Bank;
-- The same token with the same statements: DynamoDB runs it at most once.
BEGIN;
UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';
UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;
COMMIT WITH TOKEN transfer;
SELECT acct, bal FROM Bank;
