-- pqsh-args: --box --width 60
-- Box drawing, and tables fitted to 60 columns: the widest columns shrink
-- first and cut values end with …; line mode cuts values too.
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks', 'Year': 2021, 'Tags': <<'rock', 'sql'>>};
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'Happy Day', 'Price': 1.10, 'Awards': {'Grammy': TRUE, 'Years': [2020, 2021]}};
SELECT Artist, SongTitle FROM Music WHERE Artist = 'Acme Band';
SELECT * FROM Music WHERE Artist = 'Acme Band';
.mode line
SELECT * FROM Music WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day';
