-- What is sent is what was typed: EXPLAIN shows the exact text of each
-- statement. Only variables (→ ?), names DynamoDB refuses bare (quoted),
-- comments (left out) and pqsh's own spellings (LIMIT, INSERT … VALUES)
-- change; case, spacing, quoting and line breaks stay the user's.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
SET tok = 'token123';

-- Case and spacing as typed; a variable becomes ? with its typed parameter.
EXPLAIN select  *  from Orders where idempotency_token=:tok;
-- A bare name read as a variable, too.
EXPLAIN SELECT order_id FROM Orders WHERE idempotency_token = tok;
-- Quoted names stay quoted, bare ones bare.
EXPLAIN SELECT "order_id", status FROM "Orders" WHERE "idempotency_token" = 'a';
-- Reserved words (date, size, value) are quoted: DynamoDB refuses them bare.
EXPLAIN SELECT date, size, info.value FROM Orders WHERE idempotency_token = 'a';
-- Line breaks stay; comments go (a line comment with the blanks before it,
-- a block comment leaves its line breaks or a space).
EXPLAIN SELECT *
  FROM Orders -- the table
  WHERE idempotency_token = :tok /* one
  token */ AND status = 'new';
-- LIMIT is pqsh's: it is applied by paging, not sent.
EXPLAIN SELECT * FROM Orders LIMIT 3;
-- INSERT … VALUES {…} of one item is sent with DynamoDB's word VALUE.
EXPLAIN INSERT INTO Orders VALUES {'idempotency_token': :tok, 'status': 'new'};
-- SQL rows become DynamoDB items, each value as typed.
EXPLAIN insert into Orders (idempotency_token, status, date) values (tok, 'new', '2024-01-02');
EXPLAIN INSERT INTO Orders (idempotency_token) VALUES ('a'), (tok);
-- The FROM-first UPDATE goes out as written; its ? in the order typed.
EXPLAIN FROM Orders WHERE idempotency_token = :tok SET status = 'paid';
-- A binary literal (pqsh's b64'…') travels as a parameter.
EXPLAIN UPDATE Orders SET blob = b64'AAE=' WHERE idempotency_token = :tok;

-- And they run as sent.
insert into Orders (idempotency_token, status, date) values (tok, 'new', '2024-01-02');
FROM Orders WHERE idempotency_token = :tok SET status = 'paid';
SELECT idempotency_token, status, date
  FROM Orders -- the table
  WHERE idempotency_token = :tok;
