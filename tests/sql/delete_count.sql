-- DynamoDB does not say whether a DELETE found its item (deleting an absent
-- key succeeds), so pqsh prints no count — unless RETURNING ALL OLD * brings
-- the deleted item back.
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001'};
DELETE FROM Orders WHERE idempotency_token = 'token999';
INSERT INTO Orders VALUE {'idempotency_token': 'token124', 'order_id': 'order002'};
DELETE FROM Orders WHERE idempotency_token = 'token124';
DELETE FROM Orders WHERE idempotency_token = 'token123' RETURNING ALL OLD *;
DELETE FROM Orders WHERE idempotency_token = 'token123' RETURNING ALL OLD *;
SELECT * FROM Orders;
