-- pqsh-args: --wrap --width 50
-- --wrap: long values continue on the next lines of the row instead of being cut.
CREATE TABLE Notes (id NUMBER PRIMARY KEY);
INSERT INTO Notes VALUE {'id': 1, 'text': 'a long note that will not fit in the width of this table at all', 'tag': 'x'};
INSERT INTO Notes VALUE {'id': 2, 'text': 'short', 'tag': 'y'};
SELECT * FROM Notes;
