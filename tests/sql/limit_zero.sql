-- LIMIT 0 still asks the target (once, for at most one item): a missing
-- table or a statement DynamoDB refuses is reported, never an invented
-- empty result.
SELECT * FROM NoSuchTable LIMIT 0;
CREATE TABLE Orders (id STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'id': 'o1'};
SELECT * FROM Orders LIMIT 0;
SELECT * FROM Orders WHERE no_such_function(id) LIMIT 0;
