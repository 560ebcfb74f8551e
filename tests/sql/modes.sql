-- Output modes: table (default), json, ddbjson, csv. Keys first, then the
-- other attributes by name; missing attributes are blank (table, csv) or absent.
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks', 'Year': 2021, 'Tags': <<'rock', 'sql'>>};
INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'Happy Day', 'Price': 1.10, 'Awards': {'Grammy': TRUE, 'Years': [2020, 2021]}};
INSERT INTO Music VALUE {'Artist': 'No One', 'SongTitle': 'It''s, "quoted"', 'Note': 'two
lines', 'Empty': NULL};

SELECT * FROM Music WHERE Artist = 'Acme Band';
.mode json
SELECT * FROM Music WHERE Artist = 'Acme Band';
SELECT * FROM Music WHERE Artist = 'No One';
.mode ddbjson
SELECT * FROM Music WHERE Artist = 'Acme Band';
.mode csv
SELECT * FROM Music;
.mode
.mode xml
.mode table
SELECT * FROM Music WHERE Artist = 'No One';
SELECT Artist, Year FROM Music WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day';
SELECT * FROM Music LIMIT 2;
