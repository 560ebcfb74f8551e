-- --compare between the embedded engine and moto: one statement per kind of
-- report (ENDPOINT_BUGS.md names the moto bugs).
CREATE TABLE Events (stream STRING, seq NUMBER, PRIMARY KEY (stream, seq));
INSERT INTO Events VALUE {'stream': 'a', 'seq': 1, 'kind': 'x'};
INSERT INTO Events VALUE {'stream': 'a', 'seq': 2, 'kind': 'y'};
INSERT INTO Events VALUE {'stream': 'a', 'seq': 10, 'kind': 'x'};
-- M21: the same items, in another order.
SELECT seq FROM Events WHERE stream = 'a' ORDER BY seq DESC;
-- M22: items only one target returns.
CREATE TABLE Words (lang STRING, word STRING, PRIMARY KEY (lang, word));
INSERT INTO Words VALUE {'lang': 'en', 'word': 'apple'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'banana'};
SELECT word FROM Words WHERE lang = 'en' AND begins_with(word, 'ap');
-- An error against another error (M15: moto crashes where DynamoDB refuses,
-- M2).
UPDATE Events SET kind = 'z' WHERE stream = 'b' AND seq = 1;
-- M1 in a batch: one member's outcome differs.
BEGIN BATCH;
INSERT INTO Events VALUE {'stream': 'a', 'seq': 1};
INSERT INTO Events VALUE {'stream': 'b', 'seq': 1};
END BATCH;
-- Answered alike: no report.
SELECT * FROM Events WHERE stream = 'b';
SELECT * FROM Nowhere WHERE id = 'x';
