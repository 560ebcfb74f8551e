-- Paging past 1 MB: DynamoDB evaluates at most 1 MB of items per SELECT page
-- and hands back a NextToken. Thirty items of about 40 KB each (1.2 MB in all)
-- cannot come back in one page, so every SELECT below that returns all
-- thirty — or finds items only after the first page — proves the shell
-- follows NextToken to the end (the embedded engine answers each of them in
-- two pages: 26 items, then 4).

-- 100 bytes → 1 KB → 10 KB → 40 KB, built from variables (lists of lists).
SET s = '0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789';
SET kb = [s, s, s, s, s, s, s, s, s, s];
SET kb10 = [kb, kb, kb, kb, kb, kb, kb, kb, kb, kb];
SET payload = [kb10, kb10, kb10, kb10];

CREATE TABLE Big (part STRING, n NUMBER, PRIMARY KEY (part, n));
INSERT INTO Big VALUE {'part': 'a', 'n': 1, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 2, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 3, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 4, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 5, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 6, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 7, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 8, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 9, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 10, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 11, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 12, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 13, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 14, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 15, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 16, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 17, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 18, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 19, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 20, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 21, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 22, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 23, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 24, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 25, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 26, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 27, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 28, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 29, 'payload': payload};
INSERT INTO Big VALUE {'part': 'a', 'n': 30, 'payload': payload};
DESCRIBE Big;

-- Query: the whole partition, in sort-key order.
SELECT n FROM Big WHERE part = 'a';
-- Scan: the whole table.
SELECT n FROM Big;
-- A filter that matches only on later pages: earlier pages come back empty
-- (with a NextToken), and the shell keeps going; NOT on the sort key is a
-- filter, not a key condition.
SELECT n FROM Big WHERE n > 27;
SELECT n FROM Big WHERE part = 'a' AND NOT (n < 29);
-- ... and one that matches only on the first page: the rest are read anyway.
SELECT n FROM Big WHERE n < 3;
-- The payload survives intact on the last item.
SELECT n FROM Big WHERE part = 'a' AND n = 30 AND payload = [kb10, kb10, kb10, kb10];
