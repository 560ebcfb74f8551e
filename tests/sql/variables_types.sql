-- pqsh-args: -v vs='text' -v vword=plain -v vn=-1.5e3 -v vb=TRUE -v vz=NULL -v vm={'a':1,'b':[2]} -v vl=[1,'x',FALSE] -v vss=<<'a','b'>> -v vns=<<1,2>>
-- Every value type in every way of setting a variable, listed by .vars,
-- stored through INSERT and found again by equality; UNSET and \unset.
CREATE TABLE Vals (id STRING PRIMARY KEY);

-- SET
SET ss = 'text';
SET sn = -1.5e3;
SET sb = TRUE;
SET sz = NULL;
SET sm = {'a': 1, 'b': [2]};
SET sl = [1, 'x', FALSE];
SET sss = <<'a', 'b'>>;
SET sns = <<1, 2>>;
-- LET
LET ls = 'text';
LET ln = -1500;
LET lb = true;
LET lz = null;
LET lm = {'b': [2], 'a': 1};
LET ll = [1, 'x', false];
LET lss = <<'b', 'a'>>;
LET lns = <<2, 1.0>>;
-- bare
bs = 'text';
bn = -15E2;
bb = TRUE;
bz = NULL;
bm = {'a': 1, 'b': [2]};
bl = [1, 'x', FALSE];
bss = <<'a', 'b'>>;
bns = <<1, 2>>;
-- \set
\set xs 'text'
\set xword plain
\set xn -1500.00
\set xb TRUE
\set xz NULL
\set xm {'a': 1, 'b': [2]}
\set xl [1, 'x', FALSE]
\set xss <<'a', 'b'>>
\set xns <<1, 2>>
.vars

-- One item per type, built from the SET variables; every other spelling of
-- the same value finds it, as :name and as a bare name.
INSERT INTO Vals VALUE {'id': 'S', 'v': ss};
INSERT INTO Vals VALUE {'id': 'N', 'v': :sn};
INSERT INTO Vals VALUE {'id': 'BOOL', 'v': sb};
INSERT INTO Vals VALUE {'id': 'NULL', 'v': sz};
INSERT INTO Vals VALUE {'id': 'M', 'v': sm};
INSERT INTO Vals VALUE {'id': 'L', 'v': sl};
INSERT INTO Vals VALUE {'id': 'SS', 'v': sss};
INSERT INTO Vals VALUE {'id': 'NS', 'v': sns};
INSERT INTO Vals VALUE {'id': 'word', 'v': vword};
SELECT * FROM Vals;
SELECT id FROM Vals WHERE v IN [vs, ls, bs, xs];
SELECT id FROM Vals WHERE v IN [:vn, :ln, :bn, :xn];
SELECT id FROM Vals WHERE v IN [vb, lb, bb, xb];
SELECT id FROM Vals WHERE v IN [vz, lz, bz, xz];
SELECT id FROM Vals WHERE v IN [vm, lm, bm, xm];
SELECT id FROM Vals WHERE v IN [vl, ll, bl, xl];
SELECT id FROM Vals WHERE v IN [vss, lss, bss, xss];
SELECT id FROM Vals WHERE v IN [vns, lns, bns, xns];
SELECT id FROM Vals WHERE v = xword;

-- As a key and as SET values of an UPDATE.
SET k = 'word';
UPDATE Vals SET w = :sl SET v = sn WHERE id = k;
SELECT * FROM Vals WHERE id = 'word';
SELECT id FROM Vals WHERE id = :vs OR id = 'S';

-- UNSET and \unset remove; the names are then unknown.
UNSET ss;
\unset xs
SELECT id FROM Vals WHERE v = :ss;
SELECT id FROM Vals WHERE v = :xs;
\unset xs
