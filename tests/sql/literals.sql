-- Every literal type through INSERT and back out of SELECT, in every output
-- mode; then each value found again by an equality on the literal written
-- the way the table mode printed it (the round trip).
CREATE TABLE Literals (id NUMBER PRIMARY KEY);

-- S: plain, empty (allowed outside keys), quote doubled, multi-byte.
INSERT INTO Literals VALUE {'id': 1, 'kind': 'S', 'v': 'plain text'};
INSERT INTO Literals VALUE {'id': 2, 'kind': 'S', 'v': ''};
INSERT INTO Literals VALUE {'id': 3, 'kind': 'S', 'v': 'it''s "quoted", ünïcödé ☃'};
-- N: integers, negatives, fractions, exponents, 38 digits, the range ends;
-- stored canonically (no exponent, no leading or trailing zeros, no -0).
INSERT INTO Literals VALUE {'id': 4, 'kind': 'N', 'v': 100};
INSERT INTO Literals VALUE {'id': 5, 'kind': 'N', 'v': -42};
INSERT INTO Literals VALUE {'id': 6, 'kind': 'N', 'v': 0012.5000};
INSERT INTO Literals VALUE {'id': 7, 'kind': 'N', 'v': -.73e1};
INSERT INTO Literals VALUE {'id': 8, 'kind': 'N', 'v': 7.31E+6};
INSERT INTO Literals VALUE {'id': 9, 'kind': 'N', 'v': 73100000e-1};
INSERT INTO Literals VALUE {'id': 10, 'kind': 'N', 'v': 12345678901234567890123456789012345678};
INSERT INTO Literals VALUE {'id': 11, 'kind': 'N', 'v': -0.12345678901234567890123456789012345678};
INSERT INTO Literals VALUE {'id': 12, 'kind': 'N', 'v': -0};
INSERT INTO Literals VALUE {'id': 13, 'kind': 'N', 'v': 1E-130};
INSERT INTO Literals VALUE {'id': 14, 'kind': 'N', 'v': -9.9999999999999999999999999999999999999E+125};
-- BOOL and NULL, any case.
INSERT INTO Literals VALUE {'id': 15, 'kind': 'BOOL', 'v': TRUE};
INSERT INTO Literals VALUE {'id': 16, 'kind': 'BOOL', 'v': false};
INSERT INTO Literals VALUE {'id': 17, 'kind': 'NULL', 'v': Null};
-- M and L, nested, and empty ones.
INSERT INTO Literals VALUE {'id': 18, 'kind': 'M', 'v': {'name': 'Alice', 'tags': ['a', 1], 'inner': {'ok': TRUE, 'none': NULL}}};
INSERT INTO Literals VALUE {'id': 19, 'kind': 'M', 'v': {}};
INSERT INTO Literals VALUE {'id': 20, 'kind': 'L', 'v': [1, 'two', [3.0, []], {'four': 4}, <<5>>, FALSE]};
INSERT INTO Literals VALUE {'id': 21, 'kind': 'L', 'v': []};
-- SS and NS: sets are unordered, numbers in a set canonical too.
INSERT INTO Literals VALUE {'id': 22, 'kind': 'SS', 'v': <<'rock', 'jazz', ''>>};
INSERT INTO Literals VALUE {'id': 23, 'kind': 'NS', 'v': <<1, -2.50, 3e2>>};

SELECT * FROM Literals;
.mode json
SELECT * FROM Literals;
.mode ddbjson
SELECT * FROM Literals;
.mode csv
SELECT * FROM Literals;
.mode table

-- The round trip: each value as printed above finds its own item again.
SELECT id FROM Literals WHERE v = 'it''s "quoted", ünïcödé ☃';
SELECT id FROM Literals WHERE v = '';
SELECT id FROM Literals WHERE v = 12.5;
SELECT id FROM Literals WHERE v = -7.3;
SELECT id FROM Literals WHERE v = 7310000;
SELECT id FROM Literals WHERE v = 12345678901234567890123456789012345678;
SELECT id FROM Literals WHERE v = -0.12345678901234567890123456789012345678;
SELECT id FROM Literals WHERE v = 0;
SELECT id FROM Literals WHERE v = 0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001;
SELECT id FROM Literals WHERE v = -999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;
SELECT id FROM Literals WHERE v = FALSE;
SELECT id FROM Literals WHERE v = NULL;
SELECT id FROM Literals WHERE v = {'inner': {'none': NULL, 'ok': TRUE}, 'name': 'Alice', 'tags': ['a', 1]};
SELECT id FROM Literals WHERE v = {};
SELECT id FROM Literals WHERE v = [1, 'two', [3, []], {'four': 4}, <<5>>, FALSE];
SELECT id FROM Literals WHERE v = [];
SELECT id FROM Literals WHERE v = <<'', 'jazz', 'rock'>>;
SELECT id FROM Literals WHERE v = <<300, 1, -2.5>>;

-- The same values set as variables travel as typed parameters.
SET n = -0.12345678901234567890123456789012345678;
SET m = {'name': 'Alice', 'tags': ['a', 1], 'inner': {'ok': TRUE, 'none': NULL}};
SET ns = <<3e2, -2.5, 1>>;
SET b = TRUE;
SELECT id, kind FROM Literals WHERE v IN [:n, :m, :ns, :b];

-- Binary has no PartiQL literal (DynamoDB takes it only as a parameter), and
-- a string is no binary: a BINARY key refuses it.
CREATE TABLE Blobs (id BINARY PRIMARY KEY);
INSERT INTO Blobs VALUE {'id': 'AAEC'};
SELECT * FROM Blobs;
