-- pqsh-args: --tutorial idempotency
-- Issue 14 item 5: each step of tutorials/idempotency.tut judges what the
-- step asks, with no false pass and no false fail.
-- Step 1: SQL's VARCHAR(255) is a string key, as the step asks.
CREATE TABLE Orders (idempotency_token VARCHAR(255) PRIMARY KEY);
-- Step 2: an amount written 100.0 is the number 100; a string '100' is not.
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': '100'};
UPDATE Orders SET order_amount = 100.0 WHERE idempotency_token = 'token123';
-- Step 3: the bare assignment and \set are SET too.
token_to_check = 'token12';
token_to_check = 'token123';
-- Step 4: reading the whole table, or another attribute, finds the item
-- but is not a check of the token; neither is a SELECT that failed, or an
-- OR that does not pin the key.
SELECT * FROM Orders;
SELECT * FROM Orders WHERE customer_name = 'Alice';
SELECT * FROM Orders WHERE idempotency_token = 'token999';
SELECT * FROM Orders WHERE idempotency_token = :token_to_check OR customer_name = 'Bob';
SELECT * FROM Orders WHERE idempotency_token = :token_to_check AND nosuch(1);
SELECT order_id FROM Orders WHERE idempotency_token = :token_to_check;

-- The other ways of writing the key read pass as well (steps 1-3 skipped).
.tutorial idempotency
.skip
.skip
.skip
SELECT idempotency_token FROM Orders WHERE idempotency_token = token_to_check;
.tutorial idempotency
.skip
.skip
.skip
SELECT customer_name, order_amount FROM Orders WHERE token_to_check = idempotency_token AND order_amount > 50;
.tutorial idempotency
.skip
.skip
.skip
SELECT * FROM Orders WHERE idempotency_token = 'token123';
-- A SELECT run before step 4 does not pass it after another statement.
.tutorial idempotency
.skip
.skip
UNSET token_to_check;
SELECT * FROM Orders WHERE idempotency_token = 'token123';
SET token_to_check = 'token123';
UPDATE Orders SET note = 'x' WHERE idempotency_token = 'token123';
