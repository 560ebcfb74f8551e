-- The seed tutorial "Idempotency tokens in DynamoDB", its four steps as worded.

-- 1. Create a DynamoDB table named Orders with idempotency_token as the
--    partition key of type String.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- 2. Insert an order with idempotency_token 'token123', order_id 'order001',
--    customer_name 'Alice' and order_amount 100.
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};

-- 3. Create a variable called token_to_check set to the string 'token123'.
SET token_to_check = 'token123';

-- 4. Find whether an order with idempotency_token equal to token_to_check exists.
SELECT * FROM Orders WHERE idempotency_token = token_to_check;

-- The point of the token: the same order sent twice is refused.
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};

-- A token nobody used finds nothing.
SET token_to_check = 'token999';
SELECT * FROM Orders WHERE idempotency_token = token_to_check;
