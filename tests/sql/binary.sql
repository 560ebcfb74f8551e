-- Binary values: DynamoDB has no binary literal, so pqsh writes them as
-- b64'…' (as results show them) and always sends them as parameters.
CREATE TABLE Files (name STRING PRIMARY KEY);
INSERT INTO Files VALUE {'name': 'a', 'data': b64'AAEC/w==', 'parts': <<b64'AA==', b64'/w=='>>, 'empty': b64''};
SET blob = b64'3q2+7w==';
-- A variable is a parameter, and DynamoDB takes no parameter inside << >>.
INSERT INTO Files VALUE {'name': 'b', 'data': blob, 'parts': <<blob>>};
INSERT INTO Files VALUE {'name': 'b', 'data': blob, 'parts': <<b64'3q2+7w=='>>};
SELECT * FROM Files;
SELECT name FROM Files WHERE data = b64'AAEC/w==';
SELECT name FROM Files WHERE contains(parts, :blob);
SELECT name FROM Files WHERE data > b64'AAEC';
EXPLAIN UPDATE Files SET data = b64'AQ==' WHERE name = 'a';
.vars
-- Each output mode shows the same values.
.mode json
SELECT * FROM Files WHERE name = 'a';
.mode ddbjson
SELECT * FROM Files WHERE name = 'a';
.mode csv
SELECT * FROM Files WHERE name = 'a';
.mode table
-- A binary partition key, ordered by unsigned bytes.
CREATE TABLE Bin (k BINARY PRIMARY KEY);
INSERT INTO Bin (k, n) VALUES (b64'/w==', 1), (b64'AQI=', 2), (b64'AA==', 3);
SELECT * FROM Bin WHERE k = b64'AQI=';
-- Errors: bad base64, a duplicate in a binary set, a string for a binary key.
INSERT INTO Files VALUE {'name': 'c', 'data': b64'AAE'};
INSERT INTO Files VALUE {'name': 'c', 'parts': <<b64'AA==', b64'/w==', b64'AA=='>>};
INSERT INTO Files VALUE {'name': 'c', 'parts': <<b64'AA==', 'text'>>};
INSERT INTO Bin VALUE {'k': 'AQI='};
