-- EXPLAIN shows the API calls a statement becomes, without running them.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'status': 'new'};
SET token_to_check = 'token123';
SET new_status = 'shipped';

EXPLAIN SELECT * FROM Orders WHERE idempotency_token = token_to_check LIMIT 10;
EXPLAIN CREATE TABLE IF NOT EXISTS Orders (idempotency_token STRING PRIMARY KEY);
EXPLAIN DROP TABLE IF EXISTS Orders;
EXPLAIN DESCRIBE Orders;
EXPLAIN SHOW TABLES;

-- The statement is sent as typed (only variables become ?), so the
-- FROM-first UPDATE goes out as written, its parameters in the order typed.
EXPLAIN FROM Orders WHERE idempotency_token = token_to_check SET status = new_status;
FROM Orders WHERE idempotency_token = token_to_check SET status = new_status;
SELECT status FROM Orders WHERE idempotency_token = token_to_check;
