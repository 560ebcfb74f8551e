-- Issue 12: an error inside BEGIN BATCH … END BATCH or BEGIN … COMMIT points
-- at the member's own line, with a caret: under the token DynamoDB's
-- " at L:C:N" names (counted in the member's text as sent), else under the
-- member (the row of INSERT … VALUES).
CREATE TABLE Orders (id STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'id': 'o1', 'amount': 10};
BEGIN BATCH;
INSERT INTO Orders VALUE {'id': 'o2'};
INSERT INTO Orders VALUE {'id': 'o1'};
UPDATE Orders
   SET amount = nosuch(amount)
 WHERE id = 'o1';
END BATCH;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o3'};
INSERT INTO Orders VALUE {'id': 'o4'};
UPDATE Orders
   SET amount = nosuch(amount)
 WHERE id = 'o1';
COMMIT;
BEGIN;
INSERT INTO Orders VALUE {'id': 'o5'};
INSERT INTO Orders VALUE {'id': 'o6'};
INSERT INTO Orders
  VALUE {'id': 'o1'};
COMMIT;
INSERT INTO Orders (id) VALUES ('o7'), ('o1'), ('o8');
