-- pqsh-args: --wrap --width 24
-- Issue 14 item 16: wrapped cells are sliced by display cells.
CREATE TABLE Cells (k STRING PRIMARY KEY);
INSERT INTO Cells VALUE {'k': '日本語のテキストです', 'v': 'x'};
SELECT k, v FROM Cells;
