-- Secondary indexes: declared with the table, or added and dropped later
-- with CREATE INDEX / DROP INDEX (UpdateTable; pqsh waits until the index
-- is ACTIVE or gone). DESCRIBE shows them; SELECT … FROM "t"."index" reads one.
CREATE TABLE Orders (
    customer STRING,
    placed NUMBER,
    status STRING,
    PRIMARY KEY (customer, placed),
    INDEX byStatus GLOBAL (status) PROJECTION INCLUDE (total),
    INDEX recent LOCAL (customer, status) PROJECTION KEYS_ONLY
);
DESCRIBE Orders;
INSERT INTO Orders (customer, placed, status, total, note) VALUES
    ('alice', 1, 'new', 10, 'gift'), ('alice', 2, 'paid', 20, 'rush'),
    ('bob', 1, 'new', 30, 'none'), ('carol', 1, 'paid', 40, 'none');
INSERT INTO Orders VALUE {'customer': 'dave', 'placed': 1, 'total': 5};

-- A GSI holds only items with its key (dave has no status: not there).
SELECT customer, placed, total FROM "Orders"."byStatus" WHERE status = 'new';
SELECT * FROM "Orders"."byStatus";
-- An LSI shares the partition key; its sort key orders the partition.
SELECT customer, status FROM "Orders"."recent" WHERE customer = 'alice' AND status >= 'p';

-- DynamoDB's index rules and messages.
SELECT note FROM "Orders"."byStatus" WHERE status = 'new';
SELECT total FROM "Orders"."byStatus" WHERE status = 'new' AND note = 'gift';
SELECT * FROM "Orders"."nope";

-- Added later: the key types come from the table, else from its items.
EXPLAIN CREATE INDEX byTotal ON Orders (total, placed) PROJECTION KEYS_ONLY;
CREATE INDEX byTotal ON Orders (total, placed) PROJECTION KEYS_ONLY;
CREATE INDEX byNote ON Orders (note);
DESCRIBE Orders;
SELECT customer, placed, total FROM "Orders"."byTotal" WHERE total = 20;
SELECT customer, note FROM "Orders"."byNote" WHERE note = 'none';
CREATE INDEX byTotal ON Orders (total);
CREATE LOCAL INDEX late ON Orders (customer, note);
CREATE INDEX bad ON Nowhere (x);

EXPLAIN DROP INDEX byTotal ON Orders;
DROP INDEX byTotal ON Orders;
DROP INDEX byNote ON Orders;
DESCRIBE Orders;
SELECT * FROM "Orders"."byTotal" WHERE total = 20;
DROP INDEX byTotal ON Orders;
