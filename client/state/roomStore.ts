import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  OBJECT_KINDS,
  type AnchorSnapshot,
  type AvatarMode,
  type AvatarSnapshot,
  type ObjectKind,
  type ObjectSnapshot,
} from './RoomFeed.ts';
import { decodeJoints, JOINT_VALUES } from './handJoints.ts';
import { createPoseTrack, retargetTrack, snapTrack, writePose, type PoseTrack } from './poseTrack.ts';

/** Rate at which the room broadcasts pose patches; a patch is interpolated over one interval. */
export const POSE_HZ = 20;
export const PATCH_INTERVAL_MS = 1000 / POSE_HZ;
/** Head, left hand, right hand. */
export const AVATAR_POSES = 3;

export interface AvatarEntry {
  readonly id: string;
  readonly identityId: string;
  readonly displayName: string;
  readonly color: string;
  /** How they are present and whether their hands are tracked: shown on the name tag. */
  readonly mode: AvatarMode;
  readonly handTracking: boolean;
  /** Mutated in place by patches (read per frame, never through React). */
  speaking: boolean;
  readonly track: PoseTrack;
  /** Decoded hand joints (handJoints.ts), valid when `hasJoints`; mutated in place by patches. */
  readonly joints: Int16Array;
  hasJoints: boolean;
  /** The encoded joints last decoded (a patch with the same string decodes nothing). */
  jointsKey: string;
}

export interface RoomObjectEntry {
  readonly id: string;
  readonly kind: ObjectKind;
  heldBy: string | null;
  anchorId: string | null;
  /** One pose plus a uniform scale as the tail float. */
  readonly track: PoseTrack;
}

export interface AnchorEntry {
  readonly id: string;
  readonly objectId: string | null;
  readonly pose: Float32Array;
  /** The placer's device handle of its WebXR anchor (AnchorSnapshot.xrHandle). */
  readonly xrHandle: string | null;
}

/**
 * Room state. Membership (who and what is in the room, names, colours) changes through `setState`, so
 * React re-renders only when the instance lists change; poses and flags are mutated in place and read
 * with `getState()` inside `useFrame`.
 */
export interface RoomState {
  readonly selfId: string | null;
  /** Other participants in a stable order; an avatar's index is its instance slot. */
  readonly avatars: readonly AvatarEntry[];
  readonly objectsByKind: Readonly<Record<ObjectKind, readonly RoomObjectEntry[]>>;
  readonly anchors: readonly AnchorEntry[];
  readonly selectedObjectId: string | null;
  /** The object under the pointer (desktop, touch, XR ray): highlighted and labelled. */
  readonly hoveredObjectId: string | null;
}

export interface RoomActions {
  setSelf(id: string | null): void;
  upsertAvatar(avatar: AvatarSnapshot, nowMs: number): void;
  removeAvatar(id: string): void;
  upsertObject(object: ObjectSnapshot, nowMs: number): void;
  removeObject(id: string): void;
  addAnchor(anchor: AnchorSnapshot): void;
  removeAnchor(id: string): void;
  select(objectId: string | null): void;
  hover(objectId: string | null): void;
  findObject(id: string): RoomObjectEntry | undefined;
  reset(): void;
}

export type RoomStore = StoreApi<RoomState> & RoomActions;

function emptyKinds(): Record<ObjectKind, RoomObjectEntry[]> {
  return Object.fromEntries(OBJECT_KINDS.map((kind) => [kind, []])) as unknown as Record<
    ObjectKind,
    RoomObjectEntry[]
  >;
}

function initialState(): RoomState {
  return {
    selfId: null,
    avatars: [],
    objectsByKind: emptyKinds(),
    anchors: [],
    selectedObjectId: null,
    hoveredObjectId: null,
  };
}

function writeAvatarTarget(track: PoseTrack, avatar: AvatarSnapshot): void {
  writePose(track.to, 0, avatar.head);
  writePose(track.to, 1, avatar.left);
  writePose(track.to, 2, avatar.right);
}

function writeJoints(entry: AvatarEntry, encoded: string): void {
  if (encoded === entry.jointsKey) return;
  entry.jointsKey = encoded;
  entry.hasJoints = decodeJoints(encoded, entry.joints);
}

function writeObjectTarget(track: PoseTrack, object: ObjectSnapshot): void {
  writePose(track.to, 0, object.pose);
  track.to[7] = object.scale;
}

export function createRoomStore(): RoomStore {
  const store = createStore<RoomState>()(initialState);
  // lookups kept beside the state: they change with membership only
  const avatarById = new Map<string, AvatarEntry>();
  const objectById = new Map<string, RoomObjectEntry>();

  const actions: RoomActions = {
    setSelf(id) {
      store.setState({ selfId: id });
    },
    upsertAvatar(avatar, nowMs) {
      if (avatar.id === store.getState().selfId) return;
      const known = avatarById.get(avatar.id);
      if (
        known &&
        known.displayName === avatar.displayName &&
        known.color === avatar.color &&
        known.identityId === avatar.identityId &&
        known.mode === (avatar.mode ?? 'desktop') &&
        known.handTracking === (avatar.handTracking ?? false)
      ) {
        known.speaking = avatar.speaking;
        writeJoints(known, avatar.joints ?? '');
        retargetTrack(known.track, nowMs, PATCH_INTERVAL_MS);
        writeAvatarTarget(known.track, avatar);
        return;
      }
      const track = known?.track ?? createPoseTrack(AVATAR_POSES);
      if (known) retargetTrack(track, nowMs, PATCH_INTERVAL_MS);
      writeAvatarTarget(track, avatar);
      if (!known) snapTrack(track);
      const entry: AvatarEntry = {
        id: avatar.id,
        identityId: avatar.identityId,
        displayName: avatar.displayName,
        color: avatar.color,
        mode: avatar.mode ?? 'desktop',
        handTracking: avatar.handTracking ?? false,
        speaking: avatar.speaking,
        track,
        joints: known?.joints ?? new Int16Array(JOINT_VALUES),
        hasJoints: false,
        jointsKey: '',
      };
      writeJoints(entry, avatar.joints ?? '');
      avatarById.set(avatar.id, entry);
      const avatars = store.getState().avatars;
      store.setState({
        avatars: known ? avatars.map((a) => (a === known ? entry : a)) : [...avatars, entry],
      });
    },
    removeAvatar(id) {
      const known = avatarById.get(id);
      if (!known) return;
      avatarById.delete(id);
      store.setState({ avatars: store.getState().avatars.filter((a) => a !== known) });
    },
    upsertObject(object, nowMs) {
      const known = objectById.get(object.id);
      if (known && known.kind === object.kind) {
        known.heldBy = object.heldBy;
        known.anchorId = object.anchorId;
        retargetTrack(known.track, nowMs, PATCH_INTERVAL_MS);
        writeObjectTarget(known.track, object);
        return;
      }
      if (known) actions.removeObject(known.id);
      const track = createPoseTrack(1, 1);
      writeObjectTarget(track, object);
      snapTrack(track);
      const entry: RoomObjectEntry = {
        id: object.id,
        kind: object.kind,
        heldBy: object.heldBy,
        anchorId: object.anchorId,
        track,
      };
      objectById.set(object.id, entry);
      const byKind = store.getState().objectsByKind;
      store.setState({ objectsByKind: { ...byKind, [object.kind]: [...byKind[object.kind], entry] } });
    },
    removeObject(id) {
      const known = objectById.get(id);
      if (!known) return;
      objectById.delete(id);
      const { objectsByKind, selectedObjectId, hoveredObjectId } = store.getState();
      store.setState({
        objectsByKind: {
          ...objectsByKind,
          [known.kind]: objectsByKind[known.kind].filter((o) => o !== known),
        },
        selectedObjectId: selectedObjectId === id ? null : selectedObjectId,
        hoveredObjectId: hoveredObjectId === id ? null : hoveredObjectId,
      });
    },
    addAnchor(anchor) {
      const pose = new Float32Array(7);
      writePose(pose, 0, anchor.pose);
      const entry = { id: anchor.id, objectId: anchor.objectId, pose, xrHandle: anchor.xrHandle };
      const anchors = store.getState().anchors;
      // an anchor announced again (a handle bound) keeps its place: the last one of an object is its newest
      const at = anchors.findIndex((a) => a.id === anchor.id);
      store.setState({
        anchors: at < 0 ? [...anchors, entry] : anchors.map((a, i) => (i === at ? entry : a)),
      });
    },
    removeAnchor(id) {
      store.setState({ anchors: store.getState().anchors.filter((a) => a.id !== id) });
    },
    select(objectId) {
      store.setState({ selectedObjectId: objectId });
    },
    hover(objectId) {
      if (store.getState().hoveredObjectId !== objectId) store.setState({ hoveredObjectId: objectId });
    },
    findObject(id) {
      return objectById.get(id);
    },
    reset() {
      avatarById.clear();
      objectById.clear();
      store.setState(initialState());
    },
  };
  return Object.assign(store, actions);
}
