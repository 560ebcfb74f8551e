-- The shell's language for the lesson: uuid() and now() in SET, and psql's
-- \gset. (The runner fixes the engine's clock at epoch 1700000000.)
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- uuid(): a fresh random version 4 UUID each time (36 characters).
SET token = uuid();
SET other = uuid();
INSERT INTO Orders VALUE {'idempotency_token': :token, 'status': 'new'};
SELECT status FROM Orders WHERE idempotency_token = :token AND size(idempotency_token) = 36;
SELECT status FROM Orders WHERE idempotency_token = :other;

-- now(): the engine's clock in epoch seconds, as a number; now() + N for a TTL.
SET created = now();
SET expires = now() + 3600;
SET earlier = now() - 60;
.clock +1h
SET later = now();
UPDATE Orders SET created = :created, expires = :expires WHERE idempotency_token = :token;

-- SELECT … \gset: the one item's attributes become variables (typed), nothing printed.
SELECT status, expires FROM Orders WHERE idempotency_token = :token \gset
SELECT status, expires FROM Orders WHERE idempotency_token = :token \gset o_
-- (The tokens are random: not listed.)
UNSET token;
UNSET other;
.vars
-- No item, or several, is an error and sets nothing.
INSERT INTO Orders VALUE {'idempotency_token': 'second'};
SELECT * FROM Orders \gset
SELECT * FROM Orders WHERE idempotency_token = 'none' \gset
-- Written wrong.
SET bad = uuid(1);
SET bad = now() + 1.5;
SELECT * FROM Orders WHERE idempotency_token = 'second' \gset no-dash
\gset
