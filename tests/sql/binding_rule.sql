-- Issue 14 items 3 and 10: one rule for bare names (.help variables).
-- A bare name is the variable of that name wherever a value can stand; a
-- test in a WHERE condition must still look at the item.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'customer_name': 'Alice', 'order_amount': 100, 'tags': ['a']};
SET token_to_check = 'token123';
SET bonus = 5;
SET extra = ['b'];

-- Both operands of arithmetic and every function argument.
UPDATE Orders SET order_amount = bonus + order_amount WHERE idempotency_token = token_to_check;
UPDATE Orders SET order_amount = order_amount - bonus WHERE idempotency_token = token_to_check;
UPDATE Orders SET tags = list_append(extra, tags) WHERE idempotency_token = token_to_check;
EXPLAIN UPDATE Orders SET tags = list_append(tags, extra) WHERE idempotency_token = token_to_check;
SELECT order_amount, tags FROM Orders WHERE idempotency_token = token_to_check;

-- Both sides of a comparison: the variable on the left works, and is said.
SELECT order_amount FROM Orders WHERE token_to_check = idempotency_token;
SELECT order_amount FROM Orders WHERE idempotency_token = 'token123' AND bonus < order_amount;

-- A variable and an attribute of the same name: a test needs the item, so
-- the first bare name stays the attribute; :name and "name" say it outright.
SET customer_name = 'Bob';
SELECT order_amount FROM Orders WHERE customer_name = 'Alice';
SELECT order_amount FROM Orders WHERE idempotency_token = 'token123' AND customer_name = customer_name;
SELECT order_amount FROM Orders WHERE idempotency_token = 'token123' AND "customer_name" = :customer_name;
SELECT order_amount FROM Orders WHERE idempotency_token = 'token123' AND begins_with(customer_name, 'A');
SET order_amount = 1;
UPDATE Orders SET order_amount = order_amount + 1 WHERE idempotency_token = token_to_check;
SELECT order_amount FROM Orders WHERE idempotency_token = token_to_check;

-- Two bare names and no variable of either: attributes, with a hint.
SELECT order_amount FROM Orders WHERE idempotency_token = tokn_to_check;

-- Item 10: the bare assignment gets SET's diagnosis, not "Unsupported operation: Eq".
token_to_check = "token123";
token_to_check = token123;
token_to_check = 'token124';
.vars
