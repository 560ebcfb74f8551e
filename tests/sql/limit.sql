-- SELECT … LIMIT n: DynamoDB refuses LIMIT inside a statement ("Unsupported
-- clause: LIMIT"), so pqsh strips it, sends the rest and stops reading after
-- n items. EXPLAIN says so.
CREATE TABLE Events (stream STRING, seq NUMBER, PRIMARY KEY (stream, seq));
INSERT INTO Events (stream, seq) VALUES ('a', 1), ('a', 2), ('a', 3), ('a', 4), ('b', 1);
EXPLAIN SELECT * FROM Events WHERE stream = 'a' LIMIT 2;
SELECT * FROM Events WHERE stream = 'a' LIMIT 2;
SELECT * FROM Events WHERE stream = 'a' ORDER BY seq DESC LIMIT 3;
SELECT * FROM Events WHERE stream = 'a' LIMIT 0;
SELECT * FROM Events WHERE stream = 'a' LIMIT 100;
EXPLAIN SELECT * FROM Events LIMIT 1;
-- Not a whole number of items.
SELECT * FROM Events LIMIT 1.5;
SELECT * FROM Events LIMIT 'x';
