-- Sharing seed: who shares what between the demo's two people. Data only; runs after seed.sql and
-- 20_domain.sql. Ids: '<owner>000000-0000-4000-8000-01TT0000000N', TT per table:
--   d0 invitations  d1 dataspace_members
--   - Alice's business identity (A2, Tremblay Immobilier) invited bob@chenu.local as an editor of
--     her triplex dataspace nine days ago; Bob accepted with his business identity (B2, Gagnon
--     Construction), which is now a member: he sees the triplex, its threads and its meetings, and
--     writes there (his balconies estimate is in 20_domain.sql); his seat in the follow-up meeting
--     is in 20_domain.sql too.
--   - Bob's personal identity (B1) invited alice@chenu.local to view his Gaspésie trip two days ago;
--     the invitation is still pending (Alice's inbox shows it).
-- Nothing else is shared: Alice's personal dataspaces and Bob's personal ones stay private to them.
-- Rows are written as the sharing functions write them; the audit chains start after the seed.

insert into public.invitations
  (id, identity_id, dataspace_id, meeting_id, role, invitee_email, invited_by_identity_id, status,
   accepted_identity_id, expires_at, decided_at, created_at)
values
  ('a2000000-0000-4000-8000-01d000000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', null, 'editor', 'bob@chenu.local',
   'a2000000-0000-4000-8000-000000000000', 'accepted', 'b2000000-0000-4000-8000-000000000000',
   pg_temp.seed_at(-9, '10:00') + interval '14 days', pg_temp.seed_at(-9, '13:20'), pg_temp.seed_at(-9, '10:00')),
  ('b1000000-0000-4000-8000-01d000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000001', null, 'viewer', 'alice@chenu.local',
   'b1000000-0000-4000-8000-000000000000', 'pending', null,
   pg_temp.seed_now() + interval '12 days', null, pg_temp.seed_now() - interval '2 days');

insert into public.dataspace_members
  (id, identity_id, dataspace_id, member_identity_id, role, added_by_identity_id, created_at)
values
  ('a2000000-0000-4000-8000-01d100000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', 'b2000000-0000-4000-8000-000000000000', 'editor',
   'a2000000-0000-4000-8000-000000000000', pg_temp.seed_at(-9, '13:20'));
