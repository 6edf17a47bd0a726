import { createContext, useContext } from 'react';
import type { WorkspaceFeed } from './workspaceFeed.ts';

/** Where in the dataspace this page stands, and how it moves between its rooms. */
export interface PlaceNavigation {
  /** null: the dataspace's own room (the hall); else `thread:<id>` or `workspace:<id>`. */
  readonly place: string | null;
  /** Enters a thread's or workspace's room, or the hall (null). */
  enter(place: string | null): void;
  /** The joined workspace room, while this page stands in a workspace. */
  readonly workspace: WorkspaceFeed | null;
}

export const PlaceContext = createContext<PlaceNavigation | null>(null);

/** The room's place navigation (null outside a room session). */
export function usePlace(): PlaceNavigation | null {
  return useContext(PlaceContext);
}

/** The kind and id of a place key; null for the hall. */
export function placeParts(place: string | null): { kind: 'thread' | 'workspace'; id: string } | null {
  if (!place) return null;
  const [kind, id] = place.split(':');
  return (kind === 'thread' || kind === 'workspace') && id ? { kind, id } : null;
}
