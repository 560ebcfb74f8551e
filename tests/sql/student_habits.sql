-- Issue 14 items 11, 12 and 15: text pasted from slides and chat, reserved
-- words used as names, and other SQL databases' habits, each named for what
-- it is with the way DynamoDB's PartiQL writes it.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);

-- Typographic quotes and odd spaces (the caret is under the character).
SELECT * FROM Orders WHERE idempotency_token = ‘token123’;
SELECT * FROM Orders WHERE idempotency_token = ’token123’;
SELECT * FROM Orders WHERE idempotency_token = “token123”;
SELECT * FROM Orders WHERE “idempotency_token” = 'token123';
SELECT * FROM Orders　WHERE idempotency_token = 'token123';
SELECT * FROM Orders WHERE idempotency_token = 'token123'；;
-- Inside quotes they are text like any other.
INSERT INTO Orders VALUE {'idempotency_token': 'it’s　“fine”'};

-- Reserved words as names: double-quote them.
SELECT value FROM Orders;
SELECT idempotency_token, order FROM Orders;
SELECT * FROM Orders WHERE value = 1;
UPDATE Orders SET order = 2 WHERE idempotency_token = 'token123';
CREATE TABLE Items (value STRING PRIMARY KEY);
SELECT "value", "order" FROM Orders WHERE "value" = 1;

-- Other databases' habits.
CREATE TABLE Users (id NUMBER PRIMARY KEY AUTO_INCREMENT);
CREATE TABLE Users (id INT AUTOINCREMENT PRIMARY KEY);
CREATE INDEX ByEmail ON Orders (email STRING);
UPSERT INTO Orders VALUE {'idempotency_token': 'token123'};
REPLACE INTO Orders VALUE {'idempotency_token': 'token123'};
TRUNCATE TABLE Orders;
# a shell-style comment
SELECT * FROM Orders;
