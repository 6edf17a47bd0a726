import type { Locomotion } from '../controls/locomotion.ts';
import type { MeetingsStore } from '../meetings/meetingStore.ts';
import type { ColyseusRoomFeed } from '../net/colyseusRoomFeed.ts';
import type { PeopleStore } from '../people/peopleStore.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import type { RoomStore } from '../state/roomStore.ts';
import type { worldAnchorStore } from '../state/worldAnchorStore.ts';
import type { VoiceSession } from '../voice/voiceSession.ts';
import type { DataspaceStore } from './dataspaceStore.ts';
import type { WorkspaceFeed } from '../places/workspaceFeed.ts';

/**
 * `window.__chenu` while a room is open: read-only handles on its stores and feed, for end-to-end
 * tests and debugging in the console.
 */
export interface ChenuDebugHandle {
  readonly room: RoomStore;
  readonly feed: ColyseusRoomFeed;
  readonly dataspace: DataspaceStore;
  readonly spatial: SpatialStore;
  readonly meetings: MeetingsStore;
  /** Who is here with their roles, and the chat. */
  readonly people: PeopleStore;
  readonly locomotion: Locomotion;
  /** The room's voice session (its spatial audio, its media connection). */
  readonly voice: VoiceSession;
  /** The joined workspace room (co-editing), while the page stands in a workspace's room. */
  readonly workspace: WorkspaceFeed | null;
  /** What holds placed objects in AR: WebXR (persistent) anchors or room-space poses. */
  readonly worldAnchors: typeof worldAnchorStore;
}
