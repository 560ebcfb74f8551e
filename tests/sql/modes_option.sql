-- pqsh-args: --mode json
-- --mode on the command line; writes and DDL still get their status line.
CREATE TABLE Things (pk NUMBER PRIMARY KEY);
INSERT INTO Things VALUE {'pk': 1, 'big': 123456789012345678901234567890.5, 'small': 0.000000000000000000000001};
INSERT INTO Things VALUE {'pk': 2, 'text': 'ünïcödé ☃'};
SELECT * FROM Things;
DELETE FROM Things WHERE pk = 2;
SELECT * FROM Things;
