-- Equal numbers written differently are one value in PartiQL too (reference
-- dynamodb.md §2.2): 1, 1.0, 10E-1 and 0.1E1 name one key, one set member
-- and one operand, whether typed as a literal or bound from a variable
-- (sent as a typed parameter, as written). Results carry the stored form.
CREATE TABLE Nums (pk NUMBER, sk NUMBER, PRIMARY KEY (pk, sk));
INSERT INTO Nums VALUE {'pk': 1, 'sk': 1, 'v': 2.5, 'ns': <<1, 2>>, 'l': [1, 2.5]};
INSERT INTO Nums VALUE {'pk': 1, 'sk': 2.50, 'v': 25E-1};
INSERT INTO Nums VALUE {'pk': 1, 'sk': 300E-2, 'v': 3};
SET one = 1.0;
SET half = 0.5E1;

-- INSERT of a key stored as 1: the same key.
INSERT INTO Nums VALUE {'pk': 10E-1, 'sk': 0.1E1};
INSERT INTO Nums VALUE {'pk': :one, 'sk': :one};

-- Sets: duplicates by value are refused; set_add/set_delete by value.
INSERT INTO Nums VALUE {'pk': 2, 'sk': 1, 'ns': <<1, 1.0>>};
UPDATE Nums SET ns = set_add(ns, <<1.0, 3.00>>) WHERE pk = 1 AND sk = 1 RETURNING MODIFIED NEW *;
UPDATE Nums SET ns = set_delete(ns, <<10E-1, 0.3E1>>) WHERE pk = 1 AND sk = 1 RETURNING MODIFIED NEW *;
UPDATE Nums SET ns = set_add(ns, <<0.1E1>>) WHERE pk = :one AND sk = :one RETURNING MODIFIED NEW *;

-- WHERE: key equality, IN, BETWEEN, comparisons and filters.
SELECT sk FROM Nums WHERE pk = 1.0 AND sk = 0.25E1;
SELECT sk FROM Nums WHERE pk = :one AND sk = :one;
SELECT sk FROM Nums WHERE pk = 1 AND sk IN [1.0, 3.00, 7, 1, 10E-1];
SELECT sk FROM Nums WHERE pk IN [1.0, 10E-1] AND sk = 3;
SELECT sk FROM Nums WHERE pk = 1 AND sk BETWEEN 10E-1 AND 2.50;
SELECT sk FROM Nums WHERE pk = 1 AND sk > 2.500;
SELECT sk FROM Nums WHERE pk = 1 AND v = 3.00;
SELECT sk FROM Nums WHERE pk = 1 AND v <> 25E-1;
SELECT sk FROM Nums WHERE pk = 1 AND contains(ns, 2.0);
SELECT sk FROM Nums WHERE pk = 1 AND contains(l, 25E-1);
SELECT sk FROM Nums WHERE pk = 1 AND l = [1.0, 2.50];
SELECT sk FROM Nums WHERE pk = 1 AND ns = <<0.2E1, 1.0>>;
SELECT sk FROM Nums WHERE pk = 1 AND sk = 1 AND sk = 1.0;
SELECT sk FROM Nums WHERE (pk = 1 OR pk = 1.0) AND sk = 3;
SELECT sk FROM Nums WHERE pk = 1.00 ORDER BY sk DESC;

-- UPDATE and DELETE find the item by a key written differently.
UPDATE Nums SET w = :half WHERE pk = 1.0 AND sk = 25E-1 RETURNING ALL NEW *;
DELETE FROM Nums WHERE pk = 0.1E1 AND sk = 3.0 RETURNING ALL OLD *;
INSERT INTO Nums VALUE {'pk': 1, 'sk': 3, 'v': 3};

-- Numbers are stored and returned in canonical form, nested ones too.
INSERT INTO Nums VALUE {'pk': 3, 'sk': 0.0, 'l': [1.50, 2E1, -0], 'm': {'x': 0.0, 'y': 100E-2}, 'ns': <<5.0, 6E0>>};
UPDATE Nums SET v = 0.50 + 0.50, w = 2.50 - 0.5 WHERE pk = 3 AND sk = -0.00 RETURNING ALL NEW *;

-- A transaction may not touch one item twice, however the key is written.
BEGIN;
UPDATE Nums SET v = 1 WHERE pk = 1 AND sk = 1;
DELETE FROM Nums WHERE pk = 1.0 AND sk = 10E-1;
COMMIT;
BEGIN;
SELECT sk FROM Nums WHERE pk = 1 AND sk = 3;
SELECT sk FROM Nums WHERE pk = :one AND sk = 0.3E1;
COMMIT;
BEGIN;
EXISTS(SELECT * FROM Nums WHERE pk = 1 AND sk = 3 AND v = 3.0);
UPDATE Nums SET v = 4 WHERE pk = 1 AND sk = 3.00;
COMMIT;
SELECT sk, v FROM Nums WHERE pk = 1 AND sk = 3;

-- A batch of reads may not read one item twice.
BEGIN BATCH;
SELECT sk FROM Nums WHERE pk = 1 AND sk = 1;
SELECT sk FROM Nums WHERE pk = 1.0 AND sk = 0.1E1;
END BATCH;
BEGIN BATCH;
SELECT sk FROM Nums WHERE pk = 1 AND sk = 1;
SELECT sk FROM Nums WHERE pk = :one AND sk = :one;
END BATCH;
