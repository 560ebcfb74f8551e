-- Query vs Scan, as a user sees them: a key lookup returns its partition in
-- sort-key order (numbers numerically, strings by UTF-8 bytes); conditions
-- on the sort key narrow it; anything else filters. Scans return the same
-- items a filter would, whatever the order.
CREATE TABLE Readings (sensor STRING, seq NUMBER, PRIMARY KEY (sensor, seq));
CREATE TABLE Words (lang STRING, word STRING, PRIMARY KEY (lang, word));

-- Inserted out of order on purpose.
INSERT INTO Readings VALUE {'sensor': 'kitchen', 'seq': 10, 'temp': 21.5};
INSERT INTO Readings VALUE {'sensor': 'kitchen', 'seq': 2, 'temp': 20};
INSERT INTO Readings VALUE {'sensor': 'kitchen', 'seq': -1, 'temp': 19.5, 'note': 'calibration'};
INSERT INTO Readings VALUE {'sensor': 'kitchen', 'seq': 100, 'temp': 23};
INSERT INTO Readings VALUE {'sensor': 'kitchen', 'seq': 2.5, 'temp': 20.25};
INSERT INTO Readings VALUE {'sensor': 'garage', 'seq': 1, 'temp': 8};
INSERT INTO Readings VALUE {'sensor': 'garage', 'seq': 3, 'temp': 7.5};
INSERT INTO Readings VALUE {'sensor': 'attic', 'seq': 5, 'temp': 30};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'banana'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'Apple'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'apple'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'apricot'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'äpfel'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'zebra'};
INSERT INTO Words VALUE {'lang': 'en', 'word': 'ap'};
INSERT INTO Words VALUE {'lang': 'de', 'word': 'Apfel'};

-- Query: one partition, sort keys ascending (-1 < 2 < 2.5 < 10 < 100).
SELECT seq, temp FROM Readings WHERE sensor = 'kitchen';
-- Strings by bytes: 'A' < 'a', 'ap' < 'apple', 'z' < 'ä'.
SELECT word FROM Words WHERE lang = 'en';
-- The full key: one item, or none.
SELECT * FROM Readings WHERE sensor = 'kitchen' AND seq = 2.5;
SELECT * FROM Readings WHERE sensor = 'kitchen' AND seq = 3;
SELECT * FROM Readings WHERE seq = 2 AND sensor = 'kitchen';

-- Sort-key conditions: comparisons, BETWEEN (inclusive), begins_with.
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq > 2;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq >= 2;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq < 2.5;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq <= 2.5;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq BETWEEN 2 AND 10;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq BETWEEN 11 AND 99;
SELECT word FROM Words WHERE lang = 'en' AND begins_with(word, 'ap');
SELECT word FROM Words WHERE lang = 'en' AND word BETWEEN 'a' AND 'b';
SELECT word FROM Words WHERE lang = 'en' AND word > 'z';

-- Non-key conditions filter the partition, order kept.
SELECT seq, temp FROM Readings WHERE sensor = 'kitchen' AND temp > 20;
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND seq <> 2 AND NOT attribute_exists(note);
SELECT seq FROM Readings WHERE sensor = 'kitchen' AND note IS MISSING AND seq IN [2, 100, 7];

-- Several partitions: IN or OR on the partition key; ORDER BY both keys.
SELECT sensor, seq FROM Readings WHERE sensor IN ['garage', 'attic'] ORDER BY sensor, seq;
SELECT sensor, seq FROM Readings WHERE sensor = 'garage' OR sensor = 'attic' ORDER BY sensor DESC, seq DESC;
SELECT seq FROM Readings WHERE sensor = 'kitchen' ORDER BY seq DESC;

-- Scans: no partition-key equality. The same rows a filter finds, any order,
-- so ORDER BY is refused and the result is read as a set.
SELECT sensor, seq FROM Readings WHERE temp < 10;
SELECT sensor, seq FROM Readings WHERE seq > 4;
SELECT sensor, seq FROM Readings WHERE sensor = 'attic' OR temp = 8;
SELECT sensor, seq FROM Readings WHERE begins_with(sensor, 'gar');
SELECT * FROM Readings WHERE temp > 100;
SELECT seq FROM Readings WHERE temp > 20 ORDER BY seq;
