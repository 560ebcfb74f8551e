-- ORDER BY and multi-partition IN, with DynamoDB's rules and messages (§4.2.2).
CREATE TABLE Events (stream STRING, seq NUMBER, kind STRING, PRIMARY KEY (stream, seq),
    INDEX byKind GLOBAL (kind, seq));
INSERT INTO Events (stream, seq, kind) VALUES
    ('a', 1, 'x'), ('a', 2, 'y'), ('a', 3, 'x'), ('b', 1, 'y'), ('b', 2, 'x'), ('c', 1, 'x');
SELECT * FROM Events WHERE stream = 'a' ORDER BY seq DESC;
SELECT * FROM Events WHERE stream = 'a' ORDER BY seq;
SELECT * FROM Events WHERE stream IN ['c', 'a'] ORDER BY stream DESC, seq;
SELECT * FROM Events WHERE stream = 'b' OR stream = 'a' ORDER BY stream, seq DESC;
SELECT stream, seq FROM "Events"."byKind" WHERE kind = 'x' ORDER BY seq DESC;
EXPLAIN SELECT * FROM Events WHERE stream IN ['c', 'a'] ORDER BY stream DESC;
-- What DynamoDB refuses, in its own words.
SELECT * FROM Events ORDER BY seq;
SELECT * FROM Events WHERE seq = 1 ORDER BY seq;
SELECT * FROM Events WHERE stream = 'a' ORDER BY kind;
SELECT * FROM Events WHERE stream IN ['a', 'b'] ORDER BY seq;
SELECT * FROM Events WHERE stream = 'a' ORDER BY seq + 1;
SELECT * FROM Events WHERE stream = 'a' AND seq > 1 OR stream = 'a' AND kind = 'x';
