/**
 * Fewer index writes per ledger operation. `npm run bench:ledger` showed spending to be bound by
 * WAL flushes and CPU: one single-phase debit wrote about 20 index entries (~3.3 kB of WAL against
 * ~120 B for a one-row update). Three of those indexes duplicate another one's leading column or
 * answer a query better asked elsewhere, so they go:
 * - token_movements (identity_id): the unique (identity_id, idempotency_key) index serves the RLS
 *   filter on identity_id with the same leading column;
 * - audit_log (identity_id): likewise served by the unique (identity_id, seq) index of the chain;
 * - token_transactions (reference_type, reference_id): postings of a reference are found through
 *   their movement (token_movements_reference_idx, then token_transactions_movement_id_idx), which
 *   carries the same reference; this saves two index entries per movement.
 */
drop index public.token_movements_identity_id_idx;
drop index public.audit_log_identity_id_idx;
drop index public.token_transactions_reference_idx;
