-- A transaction left open at the end of the input is not sent, and the run fails.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
BEGIN;
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001'};
INSERT INTO Orders VALUE {'idempotency_token': 'token124', 'order_id': 'order002'};
