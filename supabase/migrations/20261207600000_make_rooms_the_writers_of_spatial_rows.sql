/**
 * One writer per record (issue 18): a spatial room (server/rooms/SpatialRoom.ts) is the only writer
 * of its anchors and objects. It keeps them in its state and persists them write-behind as system
 * work (server/realtime/spatialStore.ts, `withService`), so a write from anywhere else was lost: an
 * edit through the API was overwritten at the room's next flush and a deleted row came back. The API
 * (supabase/functions/xr) now only reads them; here the database refuses user writes too, so no path
 * (a hosted project's PostgREST included) writes behind a room's back. Reads keep their policies:
 * the owner's identity, an elevation, and members from viewer up (private.share_rules).
 */
revoke insert, update, delete on table public.spatial_anchors from anon, authenticated;
revoke insert, update, delete on table public.spatial_objects from anon, authenticated;

drop policy "Identities can create own or elevated spatial anchors" on public.spatial_anchors;
drop policy "Identities can update own or elevated spatial anchors" on public.spatial_anchors;
drop policy "Identities can delete own or elevated spatial anchors" on public.spatial_anchors;
drop policy "Identities can create own or elevated spatial objects" on public.spatial_objects;
drop policy "Identities can update own or elevated spatial objects" on public.spatial_objects;
drop policy "Identities can delete own or elevated spatial objects" on public.spatial_objects;

-- the sharing rule keeps reading for members, and no longer names the write policies dropped above
update private.share_rules
set insert_rank = null, update_rank = null, delete_rank = null,
    base_policies = base_policies
      - 'Identities can create own or elevated spatial anchors'
      - 'Identities can update own or elevated spatial anchors'
      - 'Identities can delete own or elevated spatial anchors'
      - 'Identities can create own or elevated spatial objects'
      - 'Identities can update own or elevated spatial objects'
      - 'Identities can delete own or elevated spatial objects'
where table_name in ('public.spatial_anchors'::regclass, 'public.spatial_objects'::regclass);
