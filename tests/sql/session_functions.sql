-- uuid(), now() and now() ± N in any value position of a statement: the
-- shell evaluates each call once per run and sends it as a typed parameter
-- (`?`); the text sent keeps everything else as typed. The clock is fixed
-- (PQSH_TEST_FIXED_TIME=1700000000); uuid values are random, so their shape
-- and distinctness are asserted through WHERE, never printed.
CREATE TABLE Orders (order_id STRING PRIMARY KEY);
EXPLAIN INSERT INTO Orders VALUE {'order_id': 'o1', 'expires': now() + 3600, 'made': now()};
INSERT INTO Orders VALUE {'order_id': 'o1', 'expires': now() + 3600, 'made': now()};
INSERT INTO Orders VALUE {'order_id': 'o2', 'expires': now() - 60, 'made': now(),
                          'token': uuid(), 'other': uuid()};
SELECT order_id, expires, made FROM Orders WHERE expires > now();
EXPLAIN SELECT order_id FROM Orders WHERE expires < now() - 30;
SELECT order_id FROM Orders WHERE expires < now() - 30;
EXPLAIN UPDATE Orders SET expires = now() + 60 WHERE order_id = 'o2';
UPDATE Orders SET expires = now() + 60 WHERE order_id = 'o2' RETURNING MODIFIED NEW *;
-- two uuid() calls in one statement are two different values, each a
-- version 4 UUID in lowercase text
SELECT order_id FROM Orders
 WHERE order_id = 'o2' AND token <> "other" AND size(token) = 36
   AND begins_with(token, '') AND contains(token, '-4');
-- each row of INSERT … VALUES gets its own uuid(): no duplicate key
INSERT INTO Orders (order_id, made) VALUES (uuid(), now()), (uuid(), now() + 1);
SELECT made FROM Orders WHERE size(order_id) = 36 AND made = now();
SELECT made FROM Orders WHERE size(order_id) = 36 AND made = now() + 1;
-- a uuid() key in a transaction member
BEGIN;
INSERT INTO Orders VALUE {'order_id': uuid(), 'made': now() - 1};
COMMIT;
SELECT made FROM Orders WHERE made = now() - 1 AND size(order_id) = 36;
-- written wrong: refused before anything is sent
INSERT INTO Orders VALUE {'order_id': uuid(1)};
UPDATE Orders SET expires = now() + 1.5 WHERE order_id = 'o1';
SELECT order_id FROM Orders WHERE expires > now(*);
