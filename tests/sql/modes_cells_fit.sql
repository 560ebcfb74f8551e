-- pqsh-args: --box --width 30
-- Issue 14 item 16: fitted to a width, box borders line up under wide and
-- combining characters, and a cut never splits a wide character.
CREATE TABLE Cells (k STRING PRIMARY KEY);
INSERT INTO Cells VALUE {'k': '日本語のテキストです', 'v': 'a	long value with a tab'};
INSERT INTO Cells VALUE {'k': 'emoji 😀😀😀😀😀😀😀', 'v': 'cafés'};
SELECT k, v FROM Cells;
.mode line
SELECT k, v FROM Cells;
