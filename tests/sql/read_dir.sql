-- .read of a folder is an error that names the cause, and the script fails
-- (it used to read nothing and succeed).
.read .
\i ..
CREATE TABLE Orders (id STRING PRIMARY KEY);
