-- SQL-style INSERT … (columns) VALUES (…), (…): one PartiQL INSERT per row,
-- run one after another, each with its own outcome.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
SET amount = 250;
INSERT INTO Orders (idempotency_token, order_id, customer_name, order_amount)
VALUES ('token123', 'order001', 'Alice', 100),
       ('token456', 'order002', 'Bob', amount);
EXPLAIN INSERT INTO Orders (idempotency_token, order_amount) VALUES ('a', 1), ('b', :amount);

-- The second row repeats a key: it fails on its own line, the third still runs.
INSERT INTO Orders (idempotency_token, order_id) VALUES ('token789', 'order003'), ('token123', 'again'), ('tokenABC', 'order004');
SELECT idempotency_token, order_id FROM Orders;

-- Mistakes found before anything is sent.
INSERT INTO Orders (idempotency_token, order_id) VALUES ('x', 'y'), ('z');
INSERT INTO Orders VALUES ('x', 'y');
INSERT INTO Orders (idempotency_token) VALUES (:nope);

-- VALUES with a PartiQL item is taken as VALUE.
INSERT INTO Orders VALUES {'idempotency_token': 'tokenXYZ'};
SELECT * FROM Orders WHERE idempotency_token = 'tokenXYZ';
