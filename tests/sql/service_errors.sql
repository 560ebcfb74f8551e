-- DynamoDB's own errors, one statement each, with their exact messages
-- (reference/dynamodb.md): ExecuteStatement, CreateTable, DescribeTable and
-- DeleteTable. Each is sent to the engine; none of them is caught by pqsh.
-- 72 failing statements, 64 distinct messages.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));
CREATE TABLE Users (id STRING PRIMARY KEY, email STRING, INDEX by_email GLOBAL (email) PROJECTION KEYS ONLY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'amount': 100, 'tags': <<'a'>>, 'flag': TRUE};
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks'};

-- Not found, in use (data plane and control plane word it differently).
SELECT * FROM Nowhere;
INSERT INTO Nowhere VALUE {'id': 'x'};
DESCRIBE Nowhere;
DROP TABLE Nowhere;
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- CreateTable validation.
CREATE TABLE ab (id STRING PRIMARY KEY);
CREATE TABLE "bad name!" (id STRING PRIMARY KEY);
CREATE TABLE Tracks (album STRING PRIMARY KEY, len NUMBER, INDEX by_len LOCAL (len) PROJECTION ALL);
CREATE TABLE Tracks (album STRING PARTITION KEY, no NUMBER SORT KEY, len NUMBER, title STRING, INDEX twice GLOBAL (len), INDEX twice GLOBAL (title));

-- Writes: the duplicate, conditions, keys.
INSERT INTO Orders VALUE {'idempotency_token': 'token123'};
UPDATE Orders SET amount = 1 WHERE idempotency_token = 'nobody';
UPDATE Orders SET amount = 1 WHERE idempotency_token = 'token123' AND amount > 1000;
DELETE FROM Orders WHERE idempotency_token = 'token123' AND attribute_not_exists(order_id);
UPDATE Orders SET amount = 1 WHERE order_id = 'order001';
DELETE FROM Music WHERE Artist = 'Acme Band';
UPDATE Orders SET amount = 1 WHERE idempotency_token = 'token123' AND idempotency_token = 'token456';
INSERT INTO Music VALUE {'Artist': 'Acme Band'};
INSERT INTO Orders VALUE {'idempotency_token': 42};
INSERT INTO Orders VALUE {'idempotency_token': ''};
INSERT INTO Orders VALUE 'token999';
INSERT INTO Orders VALUE {'idempotency_token': 'token999'} RETURNING ALL NEW *;
DELETE FROM Orders WHERE idempotency_token = 'token123' RETURNING ALL NEW *;
DELETE FROM Orders WHERE idempotency_token = 'token123' RETURNING MODIFIED OLD *;
UPDATE "Users"."by_email" SET x = 1 WHERE id = 'u1';

-- Numbers.
INSERT INTO Orders VALUE {'idempotency_token': 'n1', 'amount': 1e126};
INSERT INTO Orders VALUE {'idempotency_token': 'n2', 'amount': 1e-131};
INSERT INTO Orders VALUE {'idempotency_token': 'n3', 'amount': 123456789012345678901234567890123456789};
INSERT INTO Orders VALUE {'idempotency_token': 'n4', 'm': {'deep': [1, -1e126]}};

-- Sets, tuples, nesting, size.
INSERT INTO Orders VALUE {'idempotency_token': 's1', 'tags': <<>>};
INSERT INTO Orders VALUE {'idempotency_token': 's2', 'tags': <<'a', 'b', 'a'>>};
INSERT INTO Orders VALUE {'idempotency_token': 's3', 'tags': <<TRUE, FALSE>>};
INSERT INTO Orders VALUE {'idempotency_token': 's4', 'm': {'k': 1, 'k': 2}};
INSERT INTO Orders VALUE {'idempotency_token': 's4', 1: 2};
INSERT INTO Orders VALUE {'idempotency_token': 's4', 'x': set_add(a, <<1>>)};
-- 33 levels of lists (at most 32 are allowed), sent as a parameter.
SET deep = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]];
INSERT INTO Orders VALUE {'idempotency_token': 's5', 'deep': :deep};
SET s = '0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789';
SET kb = [s, s, s, s, s, s, s, s, s, s];
SET kb10 = [kb, kb, kb, kb, kb, kb, kb, kb, kb, kb];
SET kb100 = [kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10, kb10];
INSERT INTO Orders VALUE {'idempotency_token': 's6', 'a': kb100, 'b': kb100, 'c': kb100, 'd': kb100, 'e': kb10};
INSERT INTO Orders VALUE {'idempotency_token': 's7', 'a': kb100, 'b': kb100, 'c': kb100};
UPDATE Orders SET d = kb100 SET e = kb10 WHERE idempotency_token = 's7';

-- UPDATE expressions.
UPDATE Orders SET tags = set_add(other, <<'b'>>) WHERE idempotency_token = 'token123';
UPDATE Orders SET tags = set_add(tags, 'b') WHERE idempotency_token = 'token123';
UPDATE Orders SET tags = set_add(tags, <<1>>) WHERE idempotency_token = 'token123';
UPDATE Orders SET amount = amount * 2 WHERE idempotency_token = 'token123';
UPDATE Orders SET amount = amount + 'x' WHERE idempotency_token = 'token123';
UPDATE Orders SET tags = set_add(tags) WHERE idempotency_token = 'token123';
UPDATE Orders SET tags = set_delete(tags, <<>>) WHERE idempotency_token = 'token123';
UPDATE Orders SET tags = set_add(tags, <<'b', 'b'>>) WHERE idempotency_token = 'token123';
UPDATE Orders SET a = amount IS NULL WHERE idempotency_token = 'token123';
UPDATE Orders SET idempotency_token = 'x' WHERE idempotency_token = 'token123';
UPDATE Orders SET l[0] = 1 WHERE idempotency_token = 'token123';

-- WHERE: operands, functions, MISSING, IN.
SELECT * FROM Orders WHERE flag < TRUE;
SELECT * FROM Orders WHERE amount BETWEEN TRUE AND FALSE;
SELECT * FROM Orders WHERE attribute_exists();
SELECT * FROM Orders WHERE size(amount, 1) = 1;
SELECT * FROM Orders WHERE exists(amount);
SELECT * FROM Orders WHERE amount IS INT;
SELECT * FROM Orders WHERE attribute_exists('amount');
SELECT * FROM Orders WHERE set_add(tags, <<'x'>>);
SELECT * FROM Orders WHERE amount = 1e2147483648;
SELECT * FROM Orders WHERE amount = MISSING;
SELECT * FROM Orders WHERE amount IN [];

-- SELECT shape: projection, FROM, ORDER BY, overlapping OR branches.
SELECT *, amount FROM Orders;
SELECT m.z, z FROM Orders;
SELECT * FROM Orders o;
SELECT * FROM "Users"."nope";
SELECT * FROM ""."x";
SELECT attribute_exists(tags) FROM Orders;
SELECT VALUE amount FROM Orders;
SELECT * FROM Orders ORDER BY idempotency_token;
SELECT * FROM Music WHERE SongTitle = 'x' ORDER BY Artist;
SELECT * FROM Music WHERE Artist = 'x' ORDER BY Year;
SELECT * FROM Music WHERE Artist IN ['x', 'y'] ORDER BY SongTitle;
SELECT * FROM Music WHERE Artist = 'a' AND x = '1' OR Artist = 'a' AND SongTitle = '2';

-- Statements that are no statement.
amount IS NULL;

-- Nothing above was half-applied: only the two good INSERTs' items exist
-- (s7 at 300 KB; the UPDATE that would have grown it failed), unchanged.
SELECT idempotency_token, amount, flag, order_id, tags FROM Orders;
SELECT idempotency_token FROM Orders WHERE idempotency_token = 's7' AND d IS MISSING AND e IS MISSING;
SHOW TABLES;
