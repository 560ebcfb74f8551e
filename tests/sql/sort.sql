-- pqsh-args: --sort
-- --sort: items in key order (then by every attribute), map keys by name and
-- set members in DynamoDB order, whatever order the scan returns them in.
CREATE TABLE Grades (student STRING, task NUMBER, PRIMARY KEY (student, task));
INSERT INTO Grades VALUE {'student': 'zoe', 'task': 2, 'score': 7, 'tags': <<'b', 'a', 'c'>>};
INSERT INTO Grades VALUE {'student': 'amy', 'task': 10, 'score': 9, 'detail': {'z': 1, 'a': 2, 'm': {'y': 1, 'b': 2}}};
INSERT INTO Grades VALUE {'student': 'amy', 'task': 9, 'score': 8, 'nums': <<10, 9, 100>>};
INSERT INTO Grades VALUE {'student': 'bob', 'task': 1};
SELECT * FROM Grades;
.mode json
SELECT * FROM Grades;
.mode ddbjson
SELECT * FROM Grades WHERE student = 'amy';
.mode csv
SELECT * FROM Grades;
