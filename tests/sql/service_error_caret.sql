-- A service error that carries a position (DynamoDB's "at LINE:COL:LEN",
-- counted in the text sent) points at the token in the text typed, with a
-- caret, as pqsh's own errors do: the text sent keeps the typed line
-- structure, and variables, quoted names, comments and VALUE {…} are
-- mapped through.
CREATE TABLE Orders (id STRING PRIMARY KEY);
SET tok = 'token123';
SET long_variable_name = 'x';

-- One line: the position moves by what the edits change (:long_variable_name → ?).
SELECT * FROM Orders WHERE id = :long_variable_name AND nosuch(id) = 1;

-- Several lines, a comment and a reserved name quoted on the way.
SELECT date
  FROM Orders   -- the orders
  WHERE id = :tok /* the token */ AND
        exists(id);

-- In an UPDATE's SET clause.
UPDATE Orders
   SET tags = set_add(other, <<'a'>>)
 WHERE id = tok;

-- Through INSERT … VALUES, sent as VALUE {…}.
INSERT INTO Orders (id, tags)
VALUES (:tok, set_add(tags, <<'a'>>));
