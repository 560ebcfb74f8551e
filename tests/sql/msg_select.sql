-- SELECT's messages that other golden tests do not show (reference §4.2,
-- §4.2.1): the FROM path, a consistent read of a GSI, and the key
-- conditions a Query is made of. See MESSAGES.md for the full table.
CREATE TABLE Orders (id STRING PRIMARY KEY);
CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle),
    INDEX byTitle GLOBAL (SongTitle));
INSERT INTO Orders VALUE {'id': 'o1', 'amount': 10};
INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Rocks'};

-- FROM names a table or "table"."index", no more.
SELECT * FROM "Music"."byTitle"."x";
SELECT * FROM Orders.a.b;

-- A GSI is eventually consistent only; the table and an LSI are not.
.consistent on
SELECT * FROM "Music"."byTitle" WHERE SongTitle = 'Rocks';
SELECT * FROM Music WHERE Artist = 'Acme';
.consistent off
SELECT * FROM "Music"."byTitle" WHERE SongTitle = 'Rocks';

-- One equality on the partition key per Query; the key value must be a
-- string, number or binary (another key type just matches nothing).
SELECT * FROM Orders WHERE id = 'o1' AND id = 'o2';
SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Rocks' AND Artist IN ['Acme', 'Zed'];
SELECT * FROM Orders WHERE id = 'o1' OR id = 'o2' AND id = 'o3';
SELECT * FROM Orders WHERE id = TRUE;
SELECT * FROM Orders WHERE id IN ['o1', NULL];
SELECT * FROM Music WHERE Artist = ['Acme'];
SELECT * FROM Orders WHERE id = 1;
-- Not a key condition (a filter of a Scan): no such rule.
SELECT * FROM Orders WHERE amount = TRUE OR id = 'o1';

-- Numbers in a condition obey DynamoDB's range, with the path of the value.
SELECT * FROM Orders WHERE amount = 1e126;
SELECT * FROM Orders WHERE amount = [1, -1e126];

-- At most 50 partitions read by one statement.
SELECT id FROM Orders WHERE id IN ['o1', 'k02', 'k03', 'k04', 'k05', 'k06', 'k07', 'k08', 'k09', 'k10',
    'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19', 'k20',
    'k21', 'k22', 'k23', 'k24', 'k25', 'k26', 'k27', 'k28', 'k29', 'k30',
    'k31', 'k32', 'k33', 'k34', 'k35', 'k36', 'k37', 'k38', 'k39', 'k40',
    'k41', 'k42', 'k43', 'k44', 'k45', 'k46', 'k47', 'k48', 'k49', 'k50'];
SELECT id FROM Orders WHERE id IN ['o1', 'k02', 'k03', 'k04', 'k05', 'k06', 'k07', 'k08', 'k09', 'k10',
    'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19', 'k20',
    'k21', 'k22', 'k23', 'k24', 'k25', 'k26', 'k27', 'k28', 'k29', 'k30',
    'k31', 'k32', 'k33', 'k34', 'k35', 'k36', 'k37', 'k38', 'k39', 'k40',
    'k41', 'k42', 'k43', 'k44', 'k45', 'k46', 'k47', 'k48', 'k49', 'k50', 'k51'];
