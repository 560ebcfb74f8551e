-- Steps 3 and 4 of the tutorial as students with other SQL habits type them.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};

-- PostgreSQL's SET name TO value and the := of PL/pgSQL or MySQL set a variable.
SET token_to_check TO 'token123';
set token_to_check to 'token123';
SET token_to_check := 'token123';
LET token_to_check := 'token123';
SET to = 'a variable may be called to';
.vars

-- @name, $name, $1 and &name are other tools' variables: the message says how pqsh writes one.
SET @token_to_check = 'token123';
DECLARE @token_to_check VARCHAR(255) = 'token123';
SELECT * FROM Orders WHERE idempotency_token = @token_to_check;
SELECT * FROM Orders WHERE idempotency_token = $token_to_check;
SELECT * FROM Orders WHERE idempotency_token = $1;
SELECT * FROM Orders WHERE idempotency_token = &token_to_check;

-- A double-quoted or bare word is a name, not a string.
SET token_to_check = "token123";
SET token_to_check = token123;
SET token_to_check = "it's";

-- '==' is not PartiQL's equality.
SELECT * FROM Orders WHERE idempotency_token == token_to_check;

-- The ways that work.
SELECT * FROM Orders WHERE idempotency_token = token_to_check;
SELECT * FROM Orders WHERE idempotency_token = :token_to_check;
SELECT * FROM Orders WHERE idempotency_token = token_to_check LIMIT 1;
select * from "Orders" where "idempotency_token" = :token_to_check;
-- \set with SET's '=' out of habit: the '=' is not part of the value.
\set habit = 'token123'
.vars
