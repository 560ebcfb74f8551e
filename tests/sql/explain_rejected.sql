-- What DynamoDB's PartiQL refuses (aggregates, GROUP BY, HAVING, DISTINCT,
-- OFFSET, several tables, aliases) is not refused by pqsh: EXPLAIN shows it
-- would be sent, and running it gives DynamoDB's own message. (LIMIT is the
-- one clause pqsh applies itself: see limit.sql.)
CREATE TABLE Orders (id STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'id': 'a', 'total': 5};
EXPLAIN SELECT count(id) FROM Orders;
SELECT count(id) FROM Orders;
SELECT MAX(total) FROM Orders;
EXPLAIN SELECT * FROM Orders GROUP BY id;
SELECT * FROM Orders GROUP BY id;
SELECT * FROM Orders WHERE id = 'a' HAVING total > 1;
SELECT DISTINCT id FROM Orders;
SELECT * FROM Orders OFFSET 3;
SELECT * FROM Orders, Orders;
SELECT * FROM Orders o WHERE o.id = 'a';
SELECT VALUE id FROM Orders;
INSERT INTO Orders VALUE {'id': 'b'} ON CONFLICT DO NOTHING;
