-- .quit with a batch open: the batch was never sent, and the script fails.
CREATE TABLE Orders (id STRING PRIMARY KEY);
BEGIN BATCH;
INSERT INTO Orders VALUE {'id': 'o1'};
INSERT INTO Orders VALUE {'id': 'o2'};
\q
SELECT * FROM Orders;
