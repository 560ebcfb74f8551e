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

-- Parse errors across lines: the caret lands on the right line and column,
-- tabs kept so it lines up.
INSERT INTO Orders VALUE {
  'idempotency_token': 'token123',
  'order_id' 'order001',
  'customer_name': 'Alice'
};
SELECT idempotency_token,
       order_id
  FROM Orders
 WHERE order_amount >
   AND customer_name = 'Alice';
/* a block comment
   over two lines */ SELECT * FROM Orders WHERE order_amount = = 3;
UPDATE Orders
   SET order_amount = order_amount ** 2
 WHERE idempotency_token = 'token123';
SELECT * FROM Orders
WHERE customer_name = 'Alice
and more';
SELECT * FROM Orders WHERE tags = <<'a', 'b';
SELECT * FROM Orders WHERE a = 1 # a comment
;
DELETE FROM
  WHERE idempotency_token = 'x';
SELECT * FROM Orders WHERE [1, 2 = x;
	SELECT *	FROM Orders	WHERE	é = 1;
-- Still alive after all that.
SELECT * FROM Orders;
-- An unterminated quoted identifier runs to the end of the input.
SELECT * FROM "Orders
WHERE x = 1;
