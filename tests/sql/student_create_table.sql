-- Step 1 of the tutorial as students with a MySQL or PostgreSQL habit type it.
CREATE TABLE Orders (idempotency_token VARCHAR(255) NOT NULL PRIMARY KEY);
DROP TABLE Orders;
create table "Orders" ( "idempotency_token" string primary key );
DROP TABLE Orders;
CREATE TABLE IF NOT EXISTS Orders (idempotency_token TEXT, PRIMARY KEY (idempotency_token));
DROP TABLE Orders;
CREATE TABLE Orders (idempotency_token STRING HASH KEY);
DROP TABLE Orders;

-- A named primary key constraint: the name is dropped, the key is kept.
CREATE TABLE Orders (idempotency_token STRING NOT NULL, CONSTRAINT pk_orders PRIMARY KEY (idempotency_token));
DESCRIBE Orders;
DROP TABLE Orders;
create table Orders (constraint pk primary key (idempotency_token), idempotency_token string);
DESCRIBE Orders;
DROP TABLE Orders;

-- MySQL's backquotes: the message says to use double quotes.
CREATE TABLE `Orders` (`idempotency_token` varchar(64) NOT NULL, PRIMARY KEY (`idempotency_token`));
