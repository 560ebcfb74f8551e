-- .help for every statement (syntax, what it does, an example), aliases, an unknown topic.
.help SELECT
.help INSERT
.help UPDATE
.help DELETE
.help CREATE TABLE
.help DROP TABLE
.help DESCRIBE
.help SHOW TABLES
.help SET
.help UNSET
.help EXPLAIN
.help BEGIN
.help BEGIN BATCH
.help CREATE INDEX
.help DROP INDEX
.help commit
.help let
.help desc
\? .mode
.help nothing
