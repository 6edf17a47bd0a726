import { describe, expect, it } from 'vitest';
import { createGrabSession, grabSessionFor } from '../../../client/interaction/grabSession.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import type { ObjectSnapshot } from '../../../client/state/RoomFeed.ts';

const at = (x: number, y: number, z: number) => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const note = (id: string, heldBy: string | null = null): ObjectSnapshot => ({
  id,
  kind: 'note',
  pose: at(0, 1, -1),
  scale: 1,
  heldBy,
  anchorId: null,
});

function room() {
  const feed = createLocalRoomFeed('me');
  const notices: string[] = [];
  const objects = new Map<string, ObjectSnapshot>();
  feed.onObjectAdd((o) => objects.set(o.id, o));
  feed.onObjectChange((o) => objects.set(o.id, o));
  const session = createGrabSession(feed, (m) => notices.push(`${m.code}: ${m.message}`));
  /** Resolves after the feed's pending promise callbacks ran (the lock answer). */
  const settled = () => new Promise<void>((r) => queueMicrotask(() => queueMicrotask(r)));
  return { feed, notices, objects, session, settled };
}

describe('grabSession', () => {
  it('takes the lock, moves the object through the feed and releases it where it was moved', async () => {
    const { feed, objects, session, settled } = room();
    feed.putObject(note('n1'));
    expect(session.begin('n1', 'ray', note('n1').pose)).toBe(true);
    expect(session.state).toMatchObject({ id: 'n1', pending: true, holding: false });
    session.follow(5, 5, 5); // ignored while the lock is pending
    expect(objects.get('n1')!.pose.x).toBe(0);
    await settled();
    expect(session.state).toMatchObject({ pending: false, holding: true, source: 'ray' });
    expect(objects.get('n1')!.heldBy).toBe('me');
    session.follow(1, 1.5, -2);
    expect(objects.get('n1')!.pose).toMatchObject({ x: 1, y: 1.5, z: -2, qw: 1 });
    session.end();
    expect(objects.get('n1')).toMatchObject({ heldBy: null, pose: { x: 1, y: 1.5, z: -2 } });
    expect(session.state).toMatchObject({ id: null, holding: false, lastId: 'n1' });
  });

  it('holds one object at a time, whatever input asks', async () => {
    const { feed, session, settled } = room();
    feed.putObject(note('n1'));
    feed.putObject(note('n2'));
    expect(session.begin('n1', 'hand', note('n1').pose)).toBe(true);
    expect(session.begin('n2', 'pointer', note('n2').pose)).toBe(false);
    await settled();
    expect(session.begin('n2', 'ray', note('n2').pose)).toBe(false);
    expect(session.state.id).toBe('n1');
  });

  it('shows the lock refusal when someone else holds the object', async () => {
    const { feed, notices, session, settled } = room();
    feed.putObject(note('n1', 'someone-else'));
    session.begin('n1', 'pointer', note('n1').pose);
    await settled();
    expect(session.state).toMatchObject({ id: null, holding: false, pending: false });
    expect(notices).toEqual(['feed.locked: Someone else is holding this object.']);
  });

  it('releases a grab let go before the room answered, once the room grants it', async () => {
    const { feed, objects, session, settled } = room();
    feed.putObject(note('n1'));
    session.begin('n1', 'ray', note('n1').pose);
    session.end();
    await settled();
    expect(objects.get('n1')!.heldBy).toBeNull();
    expect(session.state.holding).toBe(false);
  });

  it('places an object at an AR hit and anchors it there', async () => {
    const { feed, notices, objects, session } = room();
    const anchors: string[] = [];
    feed.onAnchorAdd((a) => anchors.push(a.objectId!));
    feed.putObject(note('n1'));
    const result = await session.placeAt('n1', at(2, 0, -3));
    expect(result.ok).toBe(true);
    expect(objects.get('n1')).toMatchObject({ heldBy: null, pose: { x: 2, y: 0, z: -3 } });
    expect(anchors).toEqual(['n1']);
    expect(notices).toEqual(['notice.anchor_placed: Anchor placed.']);
    feed.putObject(note('n2', 'someone-else'));
    expect((await session.placeAt('n2', at(0, 0, 0))).ok).toBe(false);
  });

  it('shares one session per feed', () => {
    const feed = createLocalRoomFeed('me');
    expect(grabSessionFor(feed, () => {})).toBe(grabSessionFor(feed, () => {}));
  });
});
