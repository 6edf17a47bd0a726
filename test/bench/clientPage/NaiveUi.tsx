import { useMemo } from 'react';
import { CanvasTexture, Group, Mesh, MeshBasicMaterial, PlaneGeometry } from 'three';
import { PX } from '../../../client/spatial/spatialText.ts';
import { ROOM_PLAN } from '../../../client/spatial/SpatialRoom.tsx';
import { PEOPLE_PANEL_POSITION } from '../../../client/people/PeoplePanel3D.tsx';
import { SHARE_PANEL_POSITION } from '../../../client/sharing/SharePanel3D.tsx';
import { TOKEN_HUD_POSITION } from '../../../client/hud/TokenHud3D.tsx';
import {
  decisions,
  invitations,
  members,
  memory,
  messages,
  peopleState,
  threads,
  workspaces,
} from './uiRoomData.ts';

/** A row of a naive panel: a line of text, a row of buttons, or a virtual keyboard. */
type Row =
  | { readonly text: string; readonly size: number }
  | { readonly buttons: readonly string[] }
  | { readonly keyboard: true };

const KEY_ROWS = ['1234567890', 'qwertyuiop', "asdfghjkl'", 'zxcvbnm,.?', 'éèàçêù-:!@'];
const plane = new PlaneGeometry(1, 1);

/** One text as its own mesh with its own canvas texture: the way a label is drawn without batching. */
function textMesh(text: string, size: number): Mesh {
  const w = Math.max(8, Math.ceil(text.length * size * 0.55));
  const h = Math.ceil(size * 1.3);
  const canvas = new OffscreenCanvas(w * 2, h * 2);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#1b2330';
  ctx.font = `${size * 2}px sans-serif`;
  ctx.fillText(text, 0, size * 2);
  const mesh = new Mesh(plane, new MeshBasicMaterial({ map: new CanvasTexture(canvas), transparent: true }));
  mesh.scale.set(w * PX, h * PX, 1);
  return mesh;
}

function box(wPx: number, hPx: number, color: string): Mesh {
  const mesh = new Mesh(plane, new MeshBasicMaterial({ color }));
  mesh.scale.set(wPx * PX, hPx * PX, 1);
  return mesh;
}

/** A panel: its background, then each row's meshes top to bottom (buttons and keys: a box and a label each). */
function panel(widthPx: number, rows: readonly Row[]): Group {
  const group = new Group();
  const parts: { mesh: Mesh; x: number; y: number }[] = [];
  let y = 20;
  for (const row of rows) {
    if ('text' in row) {
      const m = textMesh(row.text, row.size);
      parts.push({ mesh: m, x: 20 + m.scale.x / PX / 2, y: y + row.size * 0.65 });
      y += row.size * 1.4;
    } else if ('buttons' in row) {
      let x = 20;
      for (const label of row.buttons) {
        const w = label.length * 10 + 24;
        parts.push({ mesh: box(w, 34, '#dfe6f0'), x: x + w / 2, y: y + 17 });
        const m = textMesh(label, 18);
        parts.push({ mesh: m, x: x + w / 2, y: y + 17 });
        x += w + 8;
      }
      y += 42;
    } else {
      for (const keys of [...KEY_ROWS, '⇧ ␣ ⌫']) {
        const list = keys.includes(' ') ? keys.split(' ') : [...keys];
        let x = 20;
        for (const key of list) {
          const w = list.length === 3 ? 160 : 46;
          parts.push({ mesh: box(w, 46, '#eef2f7'), x: x + w / 2, y: y + 23 });
          parts.push({ mesh: textMesh(key, 20), x: x + w / 2, y: y + 23 });
          x += w + 6;
        }
        y += 52;
      }
    }
  }
  const height = y + 20;
  const background = box(widthPx, height, '#ffffff');
  group.add(background);
  for (const p of parts) {
    p.mesh.position.set((p.x - widthPx / 2) * PX, (height / 2 - p.y) * PX, 0.002);
    group.add(p.mesh);
  }
  return group;
}

function place(g: Group, x: number, y: number, z: number, rotY = 0): Group {
  g.position.set(x, y, z);
  g.rotation.y = rotY;
  return g;
}

/**
 * The naive side of "the dataspace room with its full UI panels open": the same content at the same
 * places and sizes, each background, text, button and key its own mesh (one draw call each, a canvas
 * texture per text), three culling and sorting them as any scene.
 */
export function NaiveUi() {
  const root = useMemo(() => {
    const g = new Group();
    const open = threads[0]!;
    // the memory wall: a card back and its words per item, in rows of 8
    memory.forEach((m, i) => {
      const card = panel(300, [
        { text: m.content.slice(0, 28), size: 14 },
        { text: m.kind, size: 12 },
      ]);
      g.add(
        place(
          card,
          ROOM_PLAN.memoryWall.x - 1.75 + (i % 8) * 0.5,
          2.6 - Math.floor(i / 8) * 0.4,
          ROOM_PLAN.memoryWall.z,
        ),
      );
    });
    // workspaces along the left wall, their panels side by side
    workspaces.forEach((w, wi) =>
      w.panels.forEach((p, pi) => {
        const card = panel(280, [
          { text: w.workspace.name, size: 16 },
          { text: p.title ?? '', size: 18 },
          { text: 'Liste des tâches', size: 14 },
        ]);
        g.add(
          place(
            card,
            ROOM_PLAN.workspaces.x,
            1.1 + (pi % 2) * 0.5,
            -2.5 + wi * 1.8 + Math.floor(pi / 2) * 0.5,
            ROOM_PLAN.workspaces.rotY,
          ),
        );
      }),
    );
    // thread boards on the right
    threads.forEach((t, ti) => {
      const rows: Row[] = [
        { text: t.title, size: 22 },
        ...messages[t.id]!.slice(-3).map((m) => ({ text: m.body.slice(0, 60), size: 15 })),
        ...decisions[t.id]!.map((d) => ({ text: `+ ${d.title}`, size: 15 })),
      ];
      g.add(place(panel(420, rows), ROOM_PLAN.threads.x, 1.5, -2 + ti * 1, ROOM_PLAN.threads.rotY));
    });
    for (const [label, x, z, r] of [
      ['Mémoire', 0, -4.5, 0],
      ['Espaces de travail', -4, 0, Math.PI / 2],
      ['Fils', 4, 0, -Math.PI / 2],
    ] as const) {
      g.add(place(panel(300, [{ text: label, size: 40 }]), x, 3.2, z, r));
    }
    // the thread panel
    g.add(
      place(
        panel(560, [
          { text: open.title, size: 26 },
          ...messages[open.id]!.slice(-6).map((m) => ({ text: m.body.slice(0, 70), size: 18 })),
          ...decisions[open.id]!.map((d) => ({ text: `+ ${d.title}`, size: 18 })),
          { buttons: ['Jetons : 798 800', 'Fil suivant'] },
        ]),
        0,
        1.45,
        -1.1,
      ),
    );
    g.add(place(panel(620, [{ buttons: ['Écrire', 'Demander à un agent'] }]), 0, 1.02, -0.82));
    // people and chat, keyboard out
    g.add(
      place(
        panel(600, [
          { text: `${peopleState.people.length} personnes ici`, size: 24 },
          ...peopleState.people.flatMap((p): Row[] => [
            { text: p.name, size: 19 },
            { text: `${p.role} · ${p.mode}`, size: 15 },
            ...(p.self || p.role === 'host' ? [] : [{ buttons: ['Couper', 'Retirer'] }]),
          ]),
          { buttons: ['Couper le micro de tous', 'Réactiver tous les micros'] },
          { text: 'Discussion', size: 20 },
          ...peopleState.chat.map((l) => ({ text: `${l.name}: ${l.text}`, size: 17 })),
          { text: 'Écrire un message…', size: 19 },
          { keyboard: true },
          { buttons: ['Annuler', 'Envoyer'] },
        ]),
        ...PEOPLE_PANEL_POSITION,
        1.9,
      ),
    );
    // the share panel, invite keyboard out
    g.add(
      place(
        panel(620, [
          { text: 'Partager « Rénovation cuisine »', size: 24 },
          { text: `${members.length} personnes ont accès`, size: 17 },
          ...members.map((m) => ({ text: `${m.name} · ${m.role}`, size: 18 })),
          { text: 'Invitations en attente', size: 17 },
          ...invitations.map((i) => ({ text: `${i.invitee_email} · ${i.role}`, size: 18 })),
          { text: 'Inviter par courriel', size: 20 },
          { text: 'nom@exemple.com', size: 19 },
          { buttons: ['participant »'] },
          { keyboard: true },
          { buttons: ['Annuler', 'Envoyer l’invitation'] },
        ]),
        ...SHARE_PANEL_POSITION,
        -1.9,
      ),
    );
    g.add(place(panel(320, [{ buttons: ['Jetons', '798 800', '?'] }]), ...TOKEN_HUD_POSITION));
    return g;
  }, []);
  return <primitive object={root} />;
}
