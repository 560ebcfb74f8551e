-- UPDATE and INSERT messages that other golden tests do not show
-- (reference §4.4, §4.5): set_delete's argument rules (set_add's are in
-- service_errors.sql) and several items in one INSERT.
CREATE TABLE Orders (id STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'id': 'o1', 'tags': <<'a', 'b'>>, 'amount': 10};

UPDATE Orders SET tags = set_delete(other, <<'b'>>) WHERE id = 'o1';
UPDATE Orders SET tags = set_delete(tags, 'b') WHERE id = 'o1';
UPDATE Orders SET tags = set_delete(tags) WHERE id = 'o1';
UPDATE Orders SET tags = set_delete(tags, <<'b'>>, <<'a'>>) WHERE id = 'o1';
UPDATE Orders SET tags = set_delete(tags, <<1>>) WHERE id = 'o1';
UPDATE Orders SET amount = set_delete(amount, <<1>>) WHERE id = 'o1';
UPDATE Orders SET tags = set_delete(tags, <<'x', 'x'>>) WHERE id = 'o1';
-- Then one that works.
UPDATE Orders SET tags = set_delete(tags, <<'b', 'c'>>) WHERE id = 'o1';

-- VALUES in place of VALUE, with several items: DynamoDB inserts one item
-- per statement.
INSERT INTO Orders VALUES {'id': 'o2'}, {'id': 'o3'};
INSERT INTO Orders VALUE {'id': 'o2'}, {'id': 'o3'};
-- An item holds values only: a signed path has no type DynamoDB knows.
INSERT INTO Orders VALUE {'id': 'o4', 'l': [-amount]};
SELECT * FROM Orders;
