import { domWindow } from './installDom.ts';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSessionStore,
  type SessionState,
  type SessionStore,
} from '../../../client/app/sessionStore.ts';
import { DataspaceBrowser } from '../../../client/session/DataspaceBrowser.tsx';
import { SessionContext } from '../../../client/session/SessionContext.ts';
import { SignInForm } from '../../../client/session/SignInForm.tsx';
import { SEED } from '../../helpers/personas.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const stack = useClientStack('client_session');
let root: Root | undefined;
let container: HTMLElement;

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

function newSession(): SessionStore {
  return createSessionStore(stack.supabase());
}

function render(store: SessionStore, ui: React.ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(<SessionContext.Provider value={store}>{ui}</SessionContext.Provider>));
}

/** Resolves once the store settles (not busy) in a state satisfying `pred`; re-renders after. */
function settled(store: SessionStore, pred: (s: SessionState) => boolean): Promise<void> {
  return act(
    () =>
      new Promise<void>((resolve) => {
        const check = (s: SessionState) => !s.busy && pred(s);
        if (check(store.getState())) return resolve();
        const off = store.subscribe((s) => check(s) && (off(), resolve()));
      }),
  );
}

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(domWindow.HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  input.dispatchEvent(new domWindow.Event('input', { bubbles: true }));
}

async function signInThroughForm(store: SessionStore, password: string) {
  render(store, <SignInForm />);
  act(() => {
    type(container.querySelector('input[name=email]')!, 'alice@chenu.local');
    type(container.querySelector('input[name=password]')!, password);
  });
  act(() => container.querySelector('form')!.requestSubmit());
}

describe('sign-in and dataspace browser (real gateway + Deno functions)', () => {
  it('signs alice in through the form and lists her spheres and dataspaces as her default identity', async () => {
    const store = newSession();
    await signInThroughForm(store, 'chenu-demo-password');
    await settled(store, (s) => s.status === 'signed-in' && s.spheres.length > 0);
    const s = store.getState();
    expect(s.activeIdentityId).toBe(SEED.a1);
    expect(s.identities.map((i) => i.name).sort()).toEqual(['Alice', 'Alice — Tremblay Immobilier']);
    act(() =>
      root!.render(
        <SessionContext.Provider value={store}>
          <DataspaceBrowser />
        </SessionContext.Provider>,
      ),
    );
    expect(container.textContent).toContain('Rénovation cuisine');
    expect(container.textContent).not.toContain('Triplex Rosemont');
  });

  it('switches the active identity: the token and the browser follow', async () => {
    const store = newSession();
    await act(() => store.signIn('alice@chenu.local', 'chenu-demo-password'));
    await settled(store, (s) => s.status === 'signed-in');
    render(store, <DataspaceBrowser />);
    const select = container.querySelector<HTMLSelectElement>('select[aria-label="Active identity"]')!;
    act(() => {
      select.value = SEED.a2;
      select.dispatchEvent(new domWindow.Event('change', { bubbles: true }));
    });
    await settled(store, (s) => s.activeIdentityId === SEED.a2);
    expect(container.textContent).toContain('Triplex Rosemont');
    expect(container.textContent).not.toContain('Rénovation cuisine');
    await store.switchIdentity(SEED.a1);
  });

  it('shows the refusal of a wrong password and of the API as worded by them', async () => {
    const store = newSession();
    await signInThroughForm(store, 'wrong-password');
    await settled(store, (s) => s.error !== null);
    expect(store.getState().status).toBe('signed-out');
    expect(container.querySelector('[role=alert]')!.textContent).toMatch(/invalid/i);

    await act(() => store.signIn('alice@chenu.local', 'chenu-demo-password'));
    // bob's identity is not alice's to switch to: the API's { error: { code, message } } is shown
    await act(() => store.switchIdentity(SEED.b1));
    expect(store.getState().error).toMatch(/^(not_found|forbidden): /);
    expect(store.getState().activeIdentityId).toBe(SEED.a1);
  });
});
