-- pqsh-args: -v who=Alice -v limit_amount=150 -v tag='vip'
-- Session variables: every way to set one, every place one may stand.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- Setting: SET, LET, a bare assignment, \set, and -v on the command line.
SET token_to_check = 'token123';
LET amount = 100;
customer = 'Alice';
\set order_no 'order001'
\set note two words
.vars

-- A reference is :name anywhere, or the bare name where a value goes.
INSERT INTO Orders VALUE {'idempotency_token': token_to_check, 'order_id': :order_no, 'customer_name': customer, 'order_amount': amount, 'tag': tag};
SELECT * FROM Orders WHERE idempotency_token = :token_to_check;
SELECT order_id FROM Orders WHERE order_amount BETWEEN amount AND limit_amount;
SELECT order_id FROM Orders WHERE customer_name IN [who, 'Bob'];
SELECT order_id FROM Orders WHERE begins_with(order_id, note) OR contains(order_id, order_no);
UPDATE Orders SET order_amount = limit_amount WHERE idempotency_token = token_to_check;
SELECT order_amount FROM Orders WHERE idempotency_token = token_to_check;

-- Never a double-quoted name; a test with no attribute keeps its first bare name as one (a notice says so).
SELECT order_id FROM Orders WHERE "customer_name" = "customer_name";
SELECT order_id FROM Orders WHERE customer = 'Alice';

-- Any literal type; a variable may copy another.
SET m = {'a': 1, 'b': [TRUE, NULL]};
SET s = <<'x', 'y'>>;
SET n = -1.50;
SET copy = :m;
\set big 12345678901234567890
.vars

-- Removing, and the mistakes.
UNSET note;
UNSET note;
SELECT * FROM Orders WHERE customer_name = :note;
SELECT * FROM Orders WHERE customer_name = ?;
SET n = 1e999;
\set 9lives 1
.vars
