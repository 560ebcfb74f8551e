-- Time to Live with the clock moved: .ttl enables it (PartiQL has no
-- statement for it), .clock moves the engine's one clock, .ttl-sweep runs the
-- sweep now. Reads do not hide expired items before the sweep (as in
-- DynamoDB); the sweep deletes Number epoch seconds at or before now, and
-- leaves strings, missing attributes and values more than 5 years old.
CREATE TABLE Tokens (token STRING PRIMARY KEY);
.ttl Tokens
.ttl Tokens expires_at
.ttl Tokens
.clock
INSERT INTO Tokens VALUE {'token': 'ten-minutes', 'expires_at': 1700000600};
INSERT INTO Tokens VALUE {'token': 'two-hours', 'expires_at': 1700007200};
INSERT INTO Tokens VALUE {'token': 'a-string', 'expires_at': '1700000000'};
INSERT INTO Tokens VALUE {'token': 'year-2001', 'expires_at': 1000000000};
INSERT INTO Tokens VALUE {'token': 'milliseconds', 'expires_at': 1700000600000};
INSERT INTO Tokens VALUE {'token': 'fraction', 'expires_at': 1.7000006005e9};
INSERT INTO Tokens VALUE {'token': 'no-expiry'};
.ttl-sweep
.clock +11m
-- Expired, not yet swept: still there.
SELECT token FROM Tokens WHERE token = 'ten-minutes';
.ttl-sweep
SELECT token, expires_at FROM Tokens;
-- An expired item updated to a later time is kept.
UPDATE Tokens SET expires_at = 1700090000 WHERE token = 'two-hours';
.clock +2h
.ttl-sweep
SELECT token FROM Tokens WHERE token = 'two-hours';
-- Back to the real (here: fixed) time; moves accumulate.
.clock now
.clock -30s
.clock +1d
.clock soon
-- A day after enabling, disabling is fine; changing the setting again
-- within an hour of that is refused, an hour later it is not.
.ttl Tokens off
.ttl Tokens off
.ttl Tokens expires_at
.clock +1h
.ttl Tokens expires_at
.ttl Tokens other
.ttl Tokens
.ttl Nope
.ttl
.ttl-sweep now
