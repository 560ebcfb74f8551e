-- Human output modes: line (psql's \x), markdown, tsv; table with box drawing,
-- fitted to a width (long values cut with …) and wrapped (--wrap via \x off).
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks', 'Year': 2021, 'Tags': <<'rock', 'sql'>>};
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'Happy Day', 'Price': 1.10, 'Awards': {'Grammy': TRUE, 'Years': [2020, 2021]}};
INSERT INTO Music VALUE {'Artist': 'No One', 'SongTitle': 'Pipe | and	tab', 'Note': 'two
lines', 'Empty': NULL};
.mode line
SELECT * FROM Music WHERE Artist = 'Acme Band';
.mode markdown
SELECT * FROM Music WHERE Artist = 'Acme Band';
SELECT * FROM Music WHERE Artist = 'No One';
.mode tsv
SELECT * FROM Music;
.mode
\x
SELECT * FROM Music WHERE Artist = 'No One';
\x off
.mode table
SELECT * FROM Music WHERE Artist = 'No One';
