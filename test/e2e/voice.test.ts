/**
 * Voice end to end: two browser contexts of Chromium with its fake microphone (a beep once a second),
 * two users — Alice in her "Rénovation cuisine" room, Bob a participant member of it — against the
 * real stack with an SFU process. Each hears the other (inbound packets, a level behind the panner);
 * Bob's voice pans to Alice's left, then to her right when he walks over; `speaking` follows his
 * microphone; Alice's mute (a button of her Voice tab's list of people) stops his forwarding at the SFU
 * within 200 ms; beyond the hearing radius no packet of his reaches her.
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SfuClient } from '../../server/voice/SfuClient.ts';
import { HEARING_RADIUS_M, VOICE_MUTE_DEADLINE_MS } from '../../shared/protocol/voiceProtocol.ts';
import { SEED } from '../helpers/personas.ts';
import { useClientStack } from './clientStack.ts';
import { axeViolations, screenshotPath, useXRBrowser } from './harness.ts';

const stack = useClientStack('e2e_voice', { realtime: true, voice: true });
const { client, newContext } = useXRBrowser(stack, { fakeMedia: true });

/** Opens `dataspaceId`'s room by its address, as a shared link would, and signs in there. */
async function enter(email: string, dataspaceId: string): Promise<{ page: Page; selfId: string }> {
  const context = await newContext({ viewport: { width: 1280, height: 760 } });
  // software WebGL and two rooms on a 2-core machine: joins can take longer than Playwright's 30 s
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  // the link first, signed out: the sign-in form at that address, then the room
  await page.goto(`${client().url}d/${dataspaceId}`);
  await page.getByText('Sign in to open this link').waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('chenu-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.room-canvas canvas').waitFor();
  await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
  return { page, selfId: await page.evaluate(() => window.__chenu!.feed.selfId) };
}

/** Stands the page's participant at (x, z), looking down -z. */
const standAt = (page: Page, x: number, z: number) =>
  page.evaluate(
    ([x, z]) => {
      const loc = window.__chenu!.locomotion;
      loc.position.set(x!, 0, z!);
      loc.yaw = 0;
    },
    [x, z],
  );

/** Waits until `page` draws `sessionId`'s head near x. */
const seesAt = (page: Page, sessionId: string, x: number) =>
  page.waitForFunction(
    ([id, x]) => {
      const a = window.__chenu!.room.getState().avatars.find((e) => e.id === id);
      return !!a && Math.abs(a.track.current[0]! - (x as number)) < 0.2;
    },
    [sessionId, x] as const,
  );

/** Packets received on the m-line carrying `sessionId`'s voice, and when the last one came. */
const inbound = (page: Page, sessionId: string) =>
  page.evaluate(async (id) => {
    const voice = window.__chenu!.voice;
    const pc = voice.peerConnection();
    const mid = [...(voice.audio()?.voices() ?? [])].find(([, s]) => s === id)?.[0];
    if (!pc || mid === undefined) return { packets: 0, lastAt: 0 };
    const tx = pc.getTransceivers().find((t) => t.mid === mid);
    let packets = 0;
    let lastAt = 0;
    (await pc.getStats(tx?.receiver.track)).forEach(
      (s: { type: string; packetsReceived?: number; lastPacketReceivedTimestamp?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        packets = s.packetsReceived ?? 0;
        lastAt = s.lastPacketReceivedTimestamp ?? 0;
      },
    );
    return { packets, lastAt };
  }, sessionId);

/** Packets the page's microphone m-line has sent. */
const outbound = (page: Page) =>
  page.evaluate(async () => {
    const pc = window.__chenu!.voice.peerConnection();
    let packets = 0;
    (await pc?.getStats())?.forEach((s: { type: string; kind?: string; packetsSent?: number }) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') packets += s.packetsSent ?? 0;
    });
    return packets;
  });

/** Left and right energy of `sessionId`'s voice behind its panner, summed over `ms` of beeps. */
const channelEnergy = (page: Page, sessionId: string, ms: number) =>
  page.evaluate(
    ([id, ms]) =>
      new Promise<{ left: number; right: number; peak: number }>((resolve) => {
        const probe = window.__chenu!.voice.audio()!.probe(id as string)!;
        let left = 0;
        let right = 0;
        let peak = 0;
        const started = performance.now();
        const sample = () => {
          const [l, r] = [probe.left(), probe.right()];
          left += l * l;
          right += r * r;
          peak = Math.max(peak, probe.level());
          if (performance.now() - started < (ms as number)) setTimeout(sample, 20);
          else resolve({ left, right, peak });
        };
        sample();
      }),
    [sessionId, ms] as const,
  );

describe('voice end to end (two users, fake microphones, real SFU)', () => {
  it('carries, pans, mutes and bounds each voice, and sets speaking from the audio', async () => {
    const [kitchen] = await stack.sql()<{ id: string }[]>`
      select id from public.dataspaces where identity_id = ${SEED.a1} and name = 'Rénovation cuisine'`;
    // Bob, another user, is a participant member of Alice's room
    await stack.sql()`insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
      values (${SEED.a1}, ${kitchen!.id}, ${SEED.b1}, 'participant')
      on conflict (dataspace_id, member_identity_id) do update set role = excluded.role`;

    const { page: alice, selfId: aliceId } = await enter('alice@chenu.local', kitchen!.id);
    const { page: bob, selfId: bobId } = await enter('bob@chenu.local', kitchen!.id);

    await standAt(alice, 0, 0);
    await standAt(bob, -2, 0);
    // the Voice tab's lobby: a microphone level before joining, then join
    for (const page of [alice, bob]) {
      await page.getByRole('tab', { name: 'Voice' }).click();
      await page.getByRole('meter', { name: 'Microphone level' }).waitFor();
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('.mic-meter-bar')?.dataset.level ?? 0) > 0.001,
      );
      expect(await axeViolations(page), 'axe on the voice lobby').toEqual([]);
      await page.getByRole('button', { name: 'Join voice', exact: true }).click();
      await page.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    }
    expect(await axeViolations(alice), 'axe on the voice controls').toEqual([]);
    await alice.screenshot({ path: await screenshotPath('voice-controls') });
    await seesAt(alice, bobId, -2);

    // each hears the other: packets in, and a level behind the panner
    await alice.waitForFunction((id) => !!window.__chenu!.voice.audio()?.probe(id), bobId);
    await bob.waitForFunction((id) => !!window.__chenu!.voice.audio()?.probe(id), aliceId);
    await expect
      .poll(async () => (await inbound(alice, bobId)).packets, { timeout: 20_000 })
      .toBeGreaterThan(50);
    await expect
      .poll(async () => (await inbound(bob, aliceId)).packets, { timeout: 20_000 })
      .toBeGreaterThan(50);
    expect((await channelEnergy(alice, bobId, 2500)).peak).toBeGreaterThan(0.001);
    expect((await channelEnergy(bob, aliceId, 2500)).peak).toBeGreaterThan(0.001);

    // panning: Bob at Alice's left, then at her right
    const leftSide = await channelEnergy(alice, bobId, 3000);
    console.log(`voice e2e: Bob on the left  L ${leftSide.left.toFixed(3)} R ${leftSide.right.toFixed(3)}`);
    expect(leftSide.left).toBeGreaterThanOrEqual(2 * leftSide.right);
    await standAt(bob, 2, 0);
    await seesAt(alice, bobId, 2);
    const rightSide = await channelEnergy(alice, bobId, 3000);
    console.log(`voice e2e: Bob on the right L ${rightSide.left.toFixed(3)} R ${rightSide.right.toFixed(3)}`);
    expect(rightSide.right).toBeGreaterThanOrEqual(2 * rightSide.left);

    // speaking follows his microphone: on while it beeps, off once he mutes himself
    const speaking = (want: boolean) =>
      alice.waitForFunction(
        ([id, want]) => window.__chenu!.feed.room.state.avatars.get(id as string)?.speaking === want,
        [bobId, want] as const,
      );
    await speaking(true);
    await bob.getByRole('button', { name: 'Mute', exact: true }).click();
    await speaking(false);
    await bob.getByRole('button', { name: 'Unmute', exact: true }).click();
    await speaking(true);

    // the host's mute stops his forwarding at the SFU within the deadline (timed by the SFU, on this
    // machine's clock, from the moment she pressed the button); what Alice's browser last received is
    // logged beside it
    const roomId = await alice.evaluate(() => window.__chenu!.feed.room.roomId);
    const sfu = new SfuClient(stack.sfu().url, stack.sfu().secret, () => {});
    await sfu.connect();
    const lastForwarded = async () =>
      (await sfu.call({ op: 'stats', reset: false, room: roomId, peer: bobId })).stats!.lastForwardedAtMs!;
    // Alice presses "Mute <Bob>" in her Voice tab's list of people; the press is timed in her page
    const bobName = await alice.evaluate(
      (id) => window.__chenu!.feed.room.state.avatars.get(id)!.displayName,
      bobId,
    );
    await alice.evaluate(() =>
      document.addEventListener(
        'pointerup',
        () => Object.assign(window, { mutePressedAt: performance.timeOrigin + performance.now() }),
        { capture: true, once: true },
      ),
    );
    await alice.getByRole('button', { name: `Mute ${bobName}`, exact: true }).click();
    const mutedAt = await alice.evaluate(() => (window as { mutePressedAt?: number }).mutePressedAt!);
    await bob.getByText('A moderator muted you').waitFor();
    await expect
      .poll(async () => Date.now() - (await lastForwarded()), { timeout: 10_000 })
      .toBeGreaterThan(1000);
    await expect
      .poll(async () => Date.now() - (await inbound(alice, bobId)).lastAt, { timeout: 10_000 })
      .toBeGreaterThan(1000);
    const [forwardedLast, receivedLast] = [await lastForwarded(), (await inbound(alice, bobId)).lastAt];
    sfu.close();
    console.log(
      `voice e2e: after the host's mute, last forward at the SFU ${(forwardedLast - mutedAt).toFixed(0)} ms, ` +
        `last packet in Alice's browser ${(receivedLast - mutedAt).toFixed(0)} ms (load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
    expect(forwardedLast - mutedAt).toBeLessThan(VOICE_MUTE_DEADLINE_MS);
    await speaking(false);
    await alice.getByRole('button', { name: `Unmute ${bobName}`, exact: true }).click();
    await bob.getByText('A moderator muted you').waitFor({ state: 'detached' });
    const flowing = (await inbound(alice, bobId)).packets;
    await expect
      .poll(async () => (await inbound(alice, bobId)).packets, { timeout: 10_000 })
      .toBeGreaterThan(flowing + 25);

    // beyond the hearing radius: none of his packets reach her, though he still speaks
    const far = HEARING_RADIUS_M + 8;
    await standAt(bob, -far, 0);
    await seesAt(alice, bobId, -far);
    await expect
      .poll(async () => Date.now() - (await inbound(alice, bobId)).lastAt, { timeout: 10_000 })
      .toBeGreaterThan(1000);
    const away = (await inbound(alice, bobId)).packets;
    await speaking(true);
    // two more seconds of his voice leave his browser: none of it arrives
    const sent = await outbound(bob);
    await expect.poll(() => outbound(bob), { timeout: 10_000 }).toBeGreaterThan(sent + 100);
    expect((await inbound(alice, bobId)).packets).toBe(away);
    await standAt(bob, -2, 0);
    await expect
      .poll(async () => (await inbound(alice, bobId)).packets, { timeout: 10_000 })
      .toBeGreaterThan(away);
  }, 240_000);
});
