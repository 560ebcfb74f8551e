-- Every CREATE TABLE spelling pqsh accepts, checked with DESCRIBE.

-- A column marked PRIMARY KEY; other columns are only noted.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY, order_id STRING, order_amount NUMBER);
DESCRIBE Orders;

-- PRIMARY KEY (partition, sort) as a table element, SQL type words.
CREATE TABLE Music (Artist VARCHAR(100), SongTitle TEXT, Year INT, PRIMARY KEY (Artist, SongTitle));
DESCRIBE Music;

-- Explicit HASH / RANGE roles in the PRIMARY KEY clause, sort key named first.
CREATE TABLE Events (ts NUMBER, device STRING, PRIMARY KEY (ts RANGE, device HASH));
DESCRIBE Events;

-- PRIMARY KEY after the column list.
CREATE TABLE Sessions (started NUMBER, user_id STRING) PRIMARY KEY (user_id, started);
DESCRIBE Sessions;

-- Roles on the columns: PARTITION KEY / SORT KEY and HASH / RANGE.
CREATE TABLE Readings (sensor STRING PARTITION KEY, taken NUMBER SORT KEY);
DESCRIBE Readings;
CREATE TABLE Blobs (id BINARY HASH KEY, part NUMBER RANGE KEY);
DESCRIBE Blobs;

-- Provisioned capacity instead of on-demand.
CREATE TABLE Counters (name STRING PRIMARY KEY) BILLING MODE PROVISIONED (5 RCU, 10 WCU);
DESCRIBE Counters;

-- A global secondary index declared with the table.
CREATE TABLE Users (id STRING PRIMARY KEY, email STRING, INDEX by_email GLOBAL (email) PROJECTION KEYS ONLY);
DESCRIBE Users;

-- IF NOT EXISTS tolerates an existing table; without it DynamoDB refuses.
CREATE TABLE IF NOT EXISTS Orders (idempotency_token STRING PRIMARY KEY);
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- Mistakes pqsh catches before sending anything.
CREATE TABLE Bad (id VARCHAR2 PRIMARY KEY);
CREATE TABLE Bad (id STRING, name STRING);
CREATE TABLE Bad (flag BOOLEAN PRIMARY KEY);
CREATE TABLE Bad (a STRING PRIMARY KEY, b STRING PRIMARY KEY);

SHOW TABLES;
DROP TABLE Readings;
DROP TABLE Readings;
DROP TABLE IF EXISTS Readings;
SHOW TABLES;
