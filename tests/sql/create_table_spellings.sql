-- The five CREATE TABLE spellings of the issue, word for word, then each in
-- lowercase; every key type word; IF NOT EXISTS; billing modes. DESCRIBE
-- shows what DynamoDB was asked to create; DROP TABLE clears the way.

CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
DESCRIBE Orders;
DROP TABLE Orders;
CREATE TABLE Orders (idempotency_token STRING, PRIMARY KEY (idempotency_token));
DESCRIBE Orders;
DROP TABLE Orders;
CREATE TABLE Music (Artist STRING PARTITION KEY, SongTitle STRING SORT KEY);
DESCRIBE Music;
DROP TABLE Music;
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));
DESCRIBE Music;
DROP TABLE Music;
CREATE TABLE Music (Artist string, SongTitle string) PRIMARY KEY (Artist HASH, SongTitle RANGE);
DESCRIBE Music;
DROP TABLE Music;

-- The same in lowercase (table and attribute names keep their case).
create table Orders (idempotency_token string primary key);
describe table Orders;
drop table Orders;
create table Orders (idempotency_token string, primary key (idempotency_token));
describe Orders;
drop table Orders;
create table Music (Artist string partition key, SongTitle string sort key);
describe Music;
drop table Music;
create table Music (Artist string, SongTitle string, primary key (Artist, SongTitle));
describe Music;
drop table Music;
create table Music (Artist string, SongTitle string) primary key (Artist hash, SongTitle range);
describe Music;
drop table Music;

-- Key type words: each string, number and binary spelling a student may use.
CREATE TABLE SSS1 (k S PRIMARY KEY);
CREATE TABLE SSS2 (k VARCHAR PRIMARY KEY);
CREATE TABLE SSS3 (k varchar(255) PRIMARY KEY);
CREATE TABLE SSS4 (k TEXT PRIMARY KEY);
CREATE TABLE SSS5 (k CHAR(10) PRIMARY KEY);
CREATE TABLE NNN1 (k N PRIMARY KEY);
CREATE TABLE NNN2 (k NUMBER PRIMARY KEY);
CREATE TABLE NNN3 (k INT PRIMARY KEY);
CREATE TABLE NNN4 (k integer PRIMARY KEY);
CREATE TABLE NNN5 (k BIGINT PRIMARY KEY);
CREATE TABLE NNN6 (k DECIMAL(10, 2) PRIMARY KEY);
CREATE TABLE NNN7 (k numeric PRIMARY KEY);
CREATE TABLE BBB1 (k B PRIMARY KEY);
CREATE TABLE BBB2 (k BINARY PRIMARY KEY);
CREATE TABLE BBB3 (k blob PRIMARY KEY);
DESCRIBE SSS1;
DESCRIBE SSS3;
DESCRIBE SSS5;
DESCRIBE NNN1;
DESCRIBE NNN4;
DESCRIBE NNN6;
DESCRIBE BBB1;
DESCRIBE BBB3;
SHOW TABLES;

-- The key type is enforced on every INSERT.
INSERT INTO NNN3 VALUE {'k': 7};
INSERT INTO NNN3 VALUE {'k': '7'};
INSERT INTO SSS5 VALUE {'k': 'seven'};
INSERT INTO SSS5 VALUE {'k': 7};

-- IF NOT EXISTS: quiet when the table is there, creates it when it is not.
CREATE TABLE IF NOT EXISTS NNN3 (k STRING PRIMARY KEY);
DESCRIBE NNN3;
create table if not exists Fresh (id string primary key);
DESCRIBE Fresh;

-- Non-key columns are noted and ignored; billing modes.
CREATE TABLE Wide (id STRING PRIMARY KEY, name VARCHAR(40), age INT, photo BLOB, active BOOLEAN);
CREATE TABLE Prov (id STRING PRIMARY KEY) BILLING MODE PROVISIONED (5 RCU, 5 WCU);
DESCRIBE Prov;
create table Prov2 (id string primary key) billing mode provisioned (1 rcu, 2 wcu);
DESCRIBE Prov2;
CREATE TABLE OnDemand (id STRING PRIMARY KEY) BILLING MODE PAY_PER_REQUEST;
DESCRIBE OnDemand;
