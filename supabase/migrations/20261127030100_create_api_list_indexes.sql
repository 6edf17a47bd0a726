/**
 * Indexes for the API's list pages: lists show one identity's rows newest first, keyset-paged on
 * (created_at, id), so these serve a page without sorting the identity's whole table. Only the
 * lists that grow large (threads, messages, memory) get one.
 */
create index threads_identity_page_idx on public.threads (identity_id, created_at desc, id desc);
create index memory_items_identity_page_idx on public.memory_items (identity_id, created_at desc, id desc);
