-- --echo prints each statement as typed and then its ';'. When the
-- statement's last line ends in a -- comment, the ';' goes on a line of its
-- own: appended, it would read as part of the comment.
CREATE TABLE Notes (id STRING PRIMARY KEY);
INSERT INTO Notes VALUE {'id': 'n1', 'text': 'a -- b'} -- the note
;
SELECT id, "text" FROM Notes -- every note
  WHERE id = 'n1' -- by its key
;
SELECT id FROM Notes WHERE "text" = 'a -- b'
;
SELECT id FROM Notes /* -- not a line comment */
;
