import { clientStore } from '../app/clientStore.ts';
import type { UiError } from '../i18n/uiError.ts';
import { useRoomFeed } from '../room/RoomFeedContext.ts';
import { grabSessionFor, type GrabSession } from './grabSession.ts';

const notify = (notice: UiError) => clientStore.setState({ notice });

/** The room feed's shared grab session; refusals show as the app's notice. */
export function useGrabSession(): GrabSession {
  return grabSessionFor(useRoomFeed(), notify);
}
