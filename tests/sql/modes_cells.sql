-- Issue 14 item 16: widths count display cells — wide CJK and emoji take two,
-- combining marks none — and control characters show visibly: a line break
-- as ↵, a tab as ␉, others as their control picture.
CREATE TABLE Cells (k STRING PRIMARY KEY);
INSERT INTO Cells VALUE {'k': '日本語', 'v': 'wide', 'n': 1};
INSERT INTO Cells VALUE {'k': 'café', 'v': 'bell !', 'n': 2};
INSERT INTO Cells VALUE {'k': 'emoji 😀', 'v': 'x', 'n': 3};
INSERT INTO Cells VALUE {'k': 'tab', 'v': 'a	b', 'n': 4};
INSERT INTO Cells VALUE {'k': 'line', 'v': 'one
two', 'n': 5};
SELECT * FROM Cells;
.mode markdown
SELECT * FROM Cells;
.mode line
SELECT * FROM Cells WHERE k = '日本語';
