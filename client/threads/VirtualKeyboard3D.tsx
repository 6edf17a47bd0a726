import { orderInfoKey, reversePainterSortStableCacheKey } from '@pmndrs/uikit/dist/order.js';
import { useFrame, useThree } from '@react-three/fiber';
import { Container, type VanillaContainer } from '@react-three/uikit';
import { PanelButton3D } from '../spatial/PanelButton3D.tsx';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { Color, Mesh, MeshBasicMaterial, PlaneGeometry, type CanvasTexture, type Object3D } from 'three';
import { useTranslation } from 'react-i18next';
import { ACCENT, BORDER, INK, SURFACE_ACTIVE } from '../spatial/spatialText.ts';
import { PanelText } from '../spatial/panelLod.tsx';
import { usePanelBakeGroup } from '../spatial/panelBake.ts';
import { roomColors } from '../spatial/uikitTheme.ts';
import {
  KEY_GAP_PX,
  KEY_PX,
  createKeyboardTexture,
  drawKeyboard,
  keyboardSize,
  type KeyColors,
  type KeyFace,
} from './keyboardTexture.ts';
import { usePress } from './named.ts';

/** Keys by row; French letters on their own row so a headset user can write either language. */
const ROWS: readonly string[] = ['1234567890', 'qwertyuiop', "asdfghjkl'", 'zxcvbnm,.?', 'éèàçêù-:!@'];

/** Longest text the keyboard builds (a thread message's cap is the API's; this keeps the panel readable). */
export const KEYBOARD_MAX_CHARS = 500;

/** The UTF-16 index one character (code point) before `at` in `text`. */
function stepBack(text: string, at: number): number {
  if (at <= 0) return 0;
  const low = text.charCodeAt(at - 1);
  return at >= 2 && low >= 0xdc00 && low <= 0xdfff ? at - 2 : at - 1;
}

/** The UTF-16 index one character (code point) after `at` in `text`. */
function stepForward(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const high = text.charCodeAt(at);
  return at + 2 <= text.length && high >= 0xd800 && high <= 0xdbff ? at + 2 : at + 1;
}

/**
 * A virtual keyboard on a 3D panel (uikit): the headset has no keyboard a page can read, so letters,
 * shift, space and backspace are keys pressed with a controller ray or a finger. Each key is named
 * `<prefix>-<char>` (space `<prefix>-space`, `<prefix>-shift`, `<prefix>-backspace`; prefix `xr-key`
 * unless given) for end-to-end tests. With `caret`, it types where the caret stands (a UTF-16
 * index, as a textarea's) and has ‹ and › keys (`<prefix>-left`, `<prefix>-right`) to move it;
 * without, it types at the end.
 */
export function VirtualKeyboard3D({
  value,
  onChange,
  caret,
  prefix = 'xr-key',
  maxLength = KEYBOARD_MAX_CHARS,
}: {
  value: string;
  /** The new text and where the caret stands in it. */
  onChange: (next: string, caret: number) => void;
  /**
   * Typing at a caret (a shared text): `read` gives the text and the caret as they are when a key is
   * pressed (others' edits may have arrived since this render, and several presses may come before
   * the next one), so keys type into the newest text and nobody's edit is overwritten; `onCaret`
   * says where the caret goes (‹ and › keys). Without it, keys type at the end of `value`.
   */
  caret?: { read: () => { text: string; caret: number }; onCaret: (caret: number) => void };
  /** Names the keys `<prefix>-<char>`: several keyboards may be open in one scene. */
  prefix?: string;
  maxLength?: number;
}) {
  const { t } = useTranslation();
  const [shift, setShift] = useState(false);
  // the text now, and the caret in it, clamped: someone else's edit may have shortened the text
  const now = () => {
    if (!caret) return { text: value, at: value.length };
    const { text, caret: at } = caret.read();
    return { text, at: Math.min(Math.max(at, 0), text.length) };
  };
  const type = (char: string) => {
    const { text, at } = now();
    if (text.length >= maxLength) return;
    const typed = shift ? char.toUpperCase() : char;
    onChange(text.slice(0, at) + typed + text.slice(at), at + typed.length);
    setShift(false);
  };
  const erase = () => {
    const { text, at } = now();
    const from = stepBack(text, at);
    onChange(text.slice(0, from) + text.slice(at), from);
  };
  const move = (step: typeof stepBack) => {
    const { text, at } = now();
    caret?.onCaret(step(text, at));
  };
  const letter = (char: string): KeySpec => ({
    name: `${prefix}-${char}`,
    label: shift ? char.toUpperCase() : char,
    width: KEY_PX,
    active: false,
    onPress: () => type(char),
  });
  const rows: KeySpec[][] = [
    ...ROWS.map((row) => [...row].map(letter)),
    [
      {
        name: `${prefix}-shift`,
        label: t('xrKeyboard.shift'),
        width: 110,
        active: shift,
        onPress: () => setShift(!shift),
      },
      ...(caret
        ? [
            {
              name: `${prefix}-left`,
              label: '‹',
              width: KEY_PX,
              active: false,
              onPress: () => move(stepBack),
            },
          ]
        : []),
      {
        name: `${prefix}-space`,
        label: t('xrKeyboard.space'),
        width: 260,
        active: false,
        onPress: () => type(' '),
      },
      ...(caret
        ? [
            {
              name: `${prefix}-right`,
              label: '›',
              width: KEY_PX,
              active: false,
              onPress: () => move(stepForward),
            },
          ]
        : []),
      {
        name: `${prefix}-backspace`,
        label: t('xrKeyboard.backspace'),
        width: 110,
        active: false,
        onPress: erase,
      },
    ],
  ];
  const texture = useKeyboardTexture(rows);
  const box = useRef<VanillaContainer>(null);
  const [keys] = useState<VanillaContainer[]>(() => []);
  const { width, height } = keyboardSize(rows);
  return (
    <Container
      ref={box}
      flexDirection="column"
      gap={KEY_GAP_PX}
      alignItems="center"
      width={width}
      height={height}
    >
      {rows.map((row, r) => (
        <Container key={r} flexDirection="row" gap={KEY_GAP_PX}>
          {row.map((key) => (
            <Key key={key.name} spec={key} keys={keys} faced={texture !== null} />
          ))}
        </Container>
      ))}
      {texture && <KeyboardFace box={box} keys={keys} texture={texture} />}
    </Container>
  );
}

/** The face quad's geometry (1 x 1, scaled to the keyboard by the box's matrix), shared by every keyboard. */
const facePlane = new PlaneGeometry(1, 1);
/**
 * Where the face sorts among its panel's uikit parts (reversePainterSortStable): after the panel's own
 * surfaces and texts (z index 0, as an Image would), before the keys' hover tints (z index 1).
 */
const FACE_ORDER = {
  value: { majorIndex: 0, minorIndex: Number.MAX_SAFE_INTEGER, elementType: 1, patchIndex: 0 },
};

/** True when `o` and every ancestor are visible (a hidden panel hides its keyboard's face too). */
function shown(o: Object3D | null): boolean {
  for (let p = o; p; p = p.parent) if (!p.visible) return false;
  return o !== null;
}

/**
 * The keyboard's face: ONE quad with the keys' texture, drawn over the keyboard's box. uikit containers
 * take no other children, so the quad lives in the scene and follows the box's world matrix as it is
 * rendered (uikit computes it during the frame's matrix update, so it is copied in onBeforeRender),
 * sorted with the box's panel as a uikit Image would be. Rays pass through it to the keys.
 */
function KeyboardFace({
  box,
  keys,
  texture,
}: {
  box: RefObject<VanillaContainer | null>;
  /** The keys' containers (KeyboardKeys registers them). */
  keys: readonly VanillaContainer[];
  texture: CanvasTexture<OffscreenCanvas>;
}) {
  const scene = useThree((s) => s.scene);
  // inside a baked panel the face joins the panel's group, so it is baked with the keys
  const bakeGroup = usePanelBakeGroup();
  const [face] = useState(() => {
    const mesh = new Mesh(
      facePlane,
      new MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false, toneMapped: false }),
    );
    mesh.name = 'keyboard-face';
    mesh.matrixAutoUpdate = false;
    mesh.matrixWorldAutoUpdate = false;
    mesh.frustumCulled = false;
    mesh.visible = false;
    mesh.raycast = () => {};
    return mesh;
  });
  useEffect(() => {
    face.material.map = texture;
    face.material.needsUpdate = true;
  }, [face, texture]);
  useEffect(() => {
    const parent = bakeGroup?.current ?? scene;
    parent.add(face);
    return () => {
      parent.remove(face);
    };
  }, [scene, bakeGroup, face]);
  useEffect(() => () => face.material.dispose(), [face]);
  useEffect(() => {
    face.onBeforeRender = () => {
      const b = box.current;
      if (!b) return;
      // a uikit component's world matrix is its panel's (the unit quad scaled to its box); uikit
      // computes it only for components that draw, which this box (and its keys) no longer do
      b.updateWorldMatrix(false, false);
      face.matrixWorld.copy(b.matrixWorld);
    };
  }, [face, box]);
  useFrame(() => {
    // the keys draw nothing until hovered, so uikit leaves their world matrices alone: kept current
    // here for whatever reads a key's place (end-to-end tests aim a controller at it)
    for (let i = 0; i < keys.length; i++) keys[i]!.updateWorldMatrix(false, false);
    const b = box.current;
    // uikit hides its own containers that draw nothing (these keys): the box's visibility is uikit's
    // isVisible, and above the uikit root the scene's own
    const visible =
      b !== null && b.isVisible.value && b.size.value !== undefined && shown(b.root.peek().component.parent);
    face.visible = visible;
    if (!visible) return;
    const tagged = face as unknown as Record<symbol, unknown>;
    tagged[reversePainterSortStableCacheKey] = b.root;
    tagged[orderInfoKey] = FACE_ORDER;
  });
  return null;
}

/** A key: its name (for tests), what its face shows (keyboardTexture.ts) and what a press does. */
interface KeySpec extends KeyFace {
  readonly name: string;
  readonly onPress: () => void;
}

/** A colour as the canvas takes it (the tokens' roles are CSS colour strings already). */
function cssColor(c: string | number | Color | readonly number[]): string {
  if (typeof c === 'string') return c;
  return `#${(Array.isArray(c) ? new Color().fromArray(c) : new Color(c as number | Color)).getHexString()}`;
}

/** The theme's colours for the keys' faces, read from the uikit signals the panels use. */
function keyColors(): KeyColors {
  return {
    face: cssColor(SURFACE_ACTIVE.value),
    border: cssColor(BORDER.value),
    ink: cssColor(INK.value),
    activeFace: cssColor(ACCENT.value),
    activeInk: cssColor(roomColors.primaryForeground.value),
  };
}

/**
 * The keyboard's texture, drawn again when a label or the shift state changes (the key faces as a
 * string) or the theme does; disposed with the keyboard.
 */
function useKeyboardTexture(rows: readonly (readonly KeyFace[])[]) {
  const [texture] = useState(createKeyboardTexture);
  const latest = useRef(rows);
  latest.current = rows;
  const faces = rows.map((row) => row.map((k) => `${k.label}|${k.width}|${k.active}`).join(' ')).join('\n');
  const [scheme, setScheme] = useState(0);
  useEffect(() => {
    // the theme's roles are signals: a scheme change draws the faces again
    const stops = [SURFACE_ACTIVE, BORDER, INK, ACCENT, roomColors.primaryForeground].map((signal) => {
      let first = true;
      return signal.subscribe(() => {
        if (first) first = false;
        else setScheme((n) => n + 1);
      });
    });
    return () => stops.forEach((stop) => stop());
  }, []);
  useEffect(() => {
    if (texture) drawKeyboard(texture, latest.current, keyColors());
  }, [texture, faces, scheme]);
  useEffect(() => () => texture?.dispose(), [texture]);
  return texture;
}

/**
 * A short text typed on the virtual keyboard, then sent or not: the keyboard (keys `<name>-key-…`)
 * and a row with Cancel (`<name>-cancel`) and the send button (`<name>-send`, `sendLabel`), as the
 * room chat and the invitation panel use it.
 */
export function KeyboardForm3D({
  name,
  value,
  onChange,
  maxLength,
  sendLabel,
  onCancel,
  onSend,
}: {
  name: string;
  value: string;
  onChange: (next: string) => void;
  maxLength: number;
  sendLabel: string;
  onCancel: () => void;
  onSend: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <VirtualKeyboard3D value={value} onChange={onChange} prefix={`${name}-key`} maxLength={maxLength} />
      <Container flexDirection="row" gap={8} justifyContent="flex-end">
        <PanelButton3D name={`${name}-cancel`} label={t('common.cancel')} onPress={onCancel} />
        <PanelButton3D name={`${name}-send`} label={sendLabel} primary onPress={onSend} />
      </Container>
    </>
  );
}

function Key({ spec, keys, faced }: { spec: KeySpec; keys: VanillaContainer[]; faced: boolean }) {
  const press = usePress(spec.onPress);
  const ref = useRef<VanillaContainer>(null);
  useEffect(() => {
    const key = ref.current;
    if (!key) return;
    key.name = spec.name;
    keys.push(key);
    return () => void keys.splice(keys.indexOf(key), 1);
  }, [keys, spec.name]);
  if (faced) {
    // the face is in the keyboard's texture: the key draws only the hover tint over it
    return (
      <Container
        ref={ref}
        width={spec.width}
        height={KEY_PX}
        borderRadius={8}
        zIndex={1}
        hover={{ backgroundColor: roomColors.ring, opacity: 0.45 }}
        cursor="pointer"
        {...press}
      />
    );
  }
  // no 2D canvas to draw the faces on (jsdom): the key draws its own face
  return (
    <Container
      ref={ref}
      width={spec.width}
      height={KEY_PX}
      alignItems="center"
      justifyContent="center"
      borderRadius={8}
      borderWidth={1}
      borderColor={BORDER}
      backgroundColor={spec.active ? ACCENT : SURFACE_ACTIVE}
      hover={{ backgroundColor: roomColors.ring }}
      cursor="pointer"
      {...press}
    >
      <PanelText
        fontSize={20}
        lines={spec.width !== KEY_PX}
        color={spec.active ? roomColors.primaryForeground : INK}
      >
        {spec.label}
      </PanelText>
    </Container>
  );
}
