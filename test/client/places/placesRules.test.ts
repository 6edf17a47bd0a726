import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Message } from '../../../client/api/chenuApi.ts';
import { flatBoard, withCarets } from '../../../client/places/WorkspaceRoom3D.tsx';
import {
  mergeMessages,
  wallStart,
  WALL_ROWS,
  loadThreadMessages,
} from '../../../client/places/threadMessages.ts';
import { applyTextChange } from '../../../client/places/workspaceFeed.ts';
import { layoutWorkspace } from '../../../client/spatial/spatialLayout.ts';

const message = (i: number): Message => ({
  id: `m${String(i).padStart(4, '0')}`,
  identity_id: 'i',
  thread_id: 't',
  author_identity_id: null,
  author_kind: 'human',
  agent_execution_id: null,
  body: `message ${i}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
});

describe('applyTextChange', () => {
  it('turns a replica into the new text with one edit that merges with a concurrent one', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('p').insert(0, 'Toiture au printemps.');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    applyTextChange(a.getText('p'), 'Toiture en mai.');
    applyTextChange(b.getText('p'), 'Toiture au printemps. Balcons.');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('p').toString()).toBe('Toiture en mai. Balcons.');
    expect(b.getText('p').toString()).toBe(a.getText('p').toString());
  });
});

describe('the thread wall', () => {
  it('reads the newest messages a page at a time up to the cap, oldest first', async () => {
    const all = Array.from({ length: 730 }, (_, i) => message(i)).reverse(); // the API: newest first
    const pages: (string | undefined)[] = [];
    const api = {
      messagePage: async (_t: string, cursor?: string) => {
        pages.push(cursor);
        const from = cursor ? Number(cursor) : 0;
        return {
          data: all.slice(from, from + 100),
          next_cursor: from + 100 < all.length ? String(from + 100) : null,
        };
      },
    };
    const read = await loadThreadMessages(api as never, 't', 500);
    expect(read).toHaveLength(500);
    expect(read[0]!.body).toBe('message 230');
    expect(read.at(-1)!.body).toBe('message 729');
    expect(pages).toEqual([undefined, '100', '200', '300', '400']);
  });

  it('shows a window of WALL_ROWS, clamped to the stream, and merges new messages in order', () => {
    expect(wallStart(500, 500)).toBe(500 - WALL_ROWS);
    expect(wallStart(500, -3)).toBe(0);
    expect(wallStart(5, 3)).toBe(0);
    const merged = mergeMessages([message(1), message(3)], [message(3), message(2), message(4)]);
    expect(merged.map((m) => m.body)).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
  });
});

describe('the workspace board', () => {
  it('is one flat board for grid, stack and wall, and none for layouts that turn panels', () => {
    const panels = Array.from({ length: 7 }, (_, i) => ({ id: `p${i}`, position: i, layout: {} }));
    for (const mode of ['grid', 'stack', 'wall'] as const)
      expect(flatBoard(layoutWorkspace(mode, panels)), mode).not.toBeNull();
    expect(flatBoard(layoutWorkspace('radial', panels))).toBeNull();
    const board = flatBoard(layoutWorkspace('grid', panels))!;
    expect(board.maxX).toBeGreaterThan(board.minX);
  });

  it("marks each other editor's caret in the text", () => {
    const at = (i: number) => ({
      sessionId: `s${i}`,
      identityId: 'x',
      displayName: 'B',
      role: 'participant',
      cursorPanel: 'p',
      cursorIndex: i,
    });
    expect(withCarets('abcdef', [at(2), at(4)])).toBe('ab|cd|ef');
    expect(withCarets('ab', [at(9)])).toBe('ab|');
  });
});
