-- .quit with a transaction open says, as the end of the input does, that
-- the transaction was never committed, and the script fails (exit 1).
CREATE TABLE Orders (id STRING PRIMARY KEY);
BEGIN;
INSERT INTO Orders VALUE {'id': 'o1'};
.quit
SELECT * FROM Orders;
