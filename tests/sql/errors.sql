-- Messages: FILE:LINE:COL, the source line, a caret under the token.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
SELEC * FROM Orders;
SELECT * FROM Orders WHERE;
SELECT *
FROM Orders
WHERE idempotency_token = = 'x';
  SELECT * FROM Orders WHERE idempotency_token = 'token123' AND;
SELECT * FROM Orders WHERE idempotency_token = 'ünïcödé' AND amount >> 3;

-- DynamoDB's own errors point at the statement.
SELECT * FROM Nowhere;
UPDATE Orders SET a = 1 WHERE idempotency_token = 'nobody';
DELETE FROM Orders WHERE customer_name = 'Alice';
INSERT INTO Orders VALUE {'order_id': 'no key'};
SELECT * FROM Orders LIMIT 'many';

-- Commands.
.nosuch
.echo maybe
.read no/such/file.sql

-- Nothing here but a comment and an empty statement.
;
-- The shell survives and goes on.
SELECT * FROM Orders;
