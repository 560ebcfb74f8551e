-- EXPLAIN tells, before anything is sent, whether DynamoDB reads by key
-- (Query, with which key conditions) or scans the whole table (reference
-- §4.2.1), from the table's key schema (DescribeTable, cached per session).
CREATE TABLE Orders (
    customer STRING,
    placed NUMBER,
    status STRING,
    region STRING,
    PRIMARY KEY (customer, placed),
    INDEX byStatus GLOBAL (status, placed) PROJECTION KEYS_ONLY,
    INDEX byRegion LOCAL (customer, region) PROJECTION ALL
);
SET who = 'alice';

-- Query: the partition key pinned by = or IN
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice';
EXPLAIN SELECT * FROM Orders WHERE 'alice' = customer;
EXPLAIN SELECT * FROM Orders WHERE customer = who;
EXPLAIN SELECT * FROM Orders WHERE customer IN ['alice', 'bob', 'carol'];
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' OR customer = 'bob';
EXPLAIN SELECT * FROM Orders WHERE status = 'new' AND customer = 'alice';
EXPLAIN SELECT * FROM Orders WHERE (customer = 'alice' OR customer = 'bob') AND status = 'new';

-- Query with a sort-key condition: =, <, <=, >, >=, BETWEEN, begins_with
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed = 20240101;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed >= 20240101;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND 20240101 > placed;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed BETWEEN 20240101 AND 20241231;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed > 1 AND status = 'new';
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed = 1 OR customer = 'bob' AND placed < 5;

-- Query, but the sort-key condition only filters: <>, NOT, IN, functions
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed <> 3;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND NOT placed = 3;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND placed IN [1, 2];
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' AND attribute_exists(placed);

-- Full scans
EXPLAIN SELECT * FROM Orders;
EXPLAIN SELECT * FROM Orders WHERE customer > 'a';
EXPLAIN SELECT * FROM Orders WHERE status = 'new';
EXPLAIN SELECT * FROM Orders WHERE placed = 20240101;
EXPLAIN SELECT * FROM Orders WHERE customer = 'alice' OR status = 'new';
EXPLAIN SELECT * FROM Orders WHERE customer <> 'alice';
EXPLAIN SELECT * FROM Orders WHERE NOT customer = 'alice';
EXPLAIN SELECT * FROM Orders WHERE customer NOT IN ['alice'];
EXPLAIN SELECT * FROM Orders WHERE begins_with(customer, 'al');
EXPLAIN SELECT * FROM Orders WHERE customer IS NOT MISSING;

-- Indexes: their own key schema counts
EXPLAIN SELECT * FROM "Orders"."byStatus" WHERE status = 'new' AND placed > 20240101;
EXPLAIN SELECT * FROM "Orders"."byStatus" WHERE customer = 'alice';
EXPLAIN SELECT * FROM "Orders"."byRegion" WHERE customer = 'alice' AND begins_with(region, 'eu');
EXPLAIN SELECT * FROM "Orders"."nope" WHERE customer = 'alice';
EXPLAIN SELECT * FROM Nowhere WHERE id = 1;

-- The verdicts hold when the statements run: a Query reads one partition.
INSERT INTO Orders (customer, placed, status, region) VALUES
    ('alice', 1, 'new', 'eu-west'), ('alice', 2, 'paid', 'us-east'), ('bob', 1, 'new', 'eu-north');
SELECT customer, placed FROM Orders WHERE customer = 'alice' AND placed >= 2;
SELECT customer, placed FROM "Orders"."byStatus" WHERE status = 'new';
