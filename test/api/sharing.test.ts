/**
 * Shared spaces (issue 14) through the API, with DIFFERENT USERS: Alice (a fresh sign-up) shares a
 * dataspace with Bob, who signs up only after she invited his address; a link brings Carol in; Erin
 * is invited to one meeting only. Roles decide what each can read and write, removal and link
 * revocation are a 404 at once, a shared run is paid by its runner and capped by the owner's
 * dataspace budget, and the audit trails name identities only. The last test proves every sharing
 * route of the OpenAPI document was called.
 */
import { describe, expect, it } from 'vitest';
import { calledRoutes, SHARING_ROUTE, useApi, type User } from './apiHarness.ts';

const { newUser, freshEmail, sql, client } = useApi();
const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";

describe('shared spaces between users', () => {
  let alice: User;
  let bob: User;
  let carol: User;
  let erin: User;
  const bobEmail = freshEmail('bob');
  const ids = {} as Record<'space' | 'thread' | 'meeting' | 'meetingThread' | 'bobMember' | 'link', string>;

  const ok = (r: { status: number; body: unknown }, status = 200) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body as never;
  };

  it('onboards a new user who can act at once: sphere, starter dataspace, the free plan’s tokens', async () => {
    alice = await newUser('alice');
    const spaces = ok(await alice.call('GET', '/dataspaces')) as {
      data: { name: string; my_role: string }[];
    };
    expect(spaces.data).toMatchObject([{ name: 'Mon premier espace', my_role: 'owner' }]);
    const balance = ok(await alice.call('GET', '/tokens/balance')) as { available: number };
    expect(balance.available).toBeGreaterThan(0);
    // idempotent: the hosted onboarding route finds everything already there
    const again = ok(await alice.call('POST', '/onboarding', { body: {} })) as Record<string, unknown>;
    expect(again).toMatchObject({ identity_id: alice.identityId, refresh_session: true });
    expect(again.balance).toBe(balance.available);
    const sphere = ok(await alice.call('GET', '/spheres')) as { data: { id: string }[] };
    ids.space = (
      ok(
        await alice.call('POST', '/dataspaces', {
          body: { sphere_id: sphere.data[0]!.id, name: 'Cuisine partagée' },
        }),
        201,
      ) as { id: string }
    ).id;
    ids.thread = (
      ok(
        await alice.call('POST', '/threads', { body: { dataspace_id: ids.space, title: 'Armoires' } }),
        201,
      ) as {
        id: string;
      }
    ).id;
    ok(
      await alice.call('POST', '/threads/{thread_id}/messages', {
        params: { thread_id: ids.thread },
        body: { body: 'Érable ou chêne ? Le budget est de 8 000 $.' },
      }),
      201,
    );
    ok(
      await alice.call('POST', '/memory', {
        body: {
          dataspace_id: ids.space,
          source_type: 'user',
          kind: 'note',
          content: 'Fournisseur : Bois Nord',
          sensitive: false,
        },
      }),
      201,
    );
    ok(
      await alice.call('POST', '/memory', {
        body: {
          dataspace_id: ids.space,
          source_type: 'user',
          kind: 'note',
          content: 'Code du coffre : 4321',
          sensitive: true,
        },
      }),
      201,
    );
  });

  it('invites an address alike whether it has an account, and the invitee accepts after signing up', async () => {
    const toBob = await alice.call('POST', '/dataspaces/{id}/invitations', {
      params: { id: ids.space },
      body: { email: bobEmail, role: 'participant' },
    });
    const toNobody = await alice.call('POST', '/dataspaces/{id}/invitations', {
      params: { id: ids.space },
      body: { email: freshEmail('nobody'), role: 'participant' },
    });
    expect(toBob.status).toBe(201);
    expect(toNobody.status).toBe(201);
    expect(Object.keys(toBob.body).sort()).toEqual(Object.keys(toNobody.body).sort());
    expect(toBob.body).toMatchObject({ status: 'pending', role: 'participant', invitee_email: bobEmail });

    // Bob signs up with the invited address: the invitation is waiting in his inbox and notifications
    bob = await newUser('bob', bobEmail);
    const notes = ok(await bob.call('GET', '/notifications')) as { data: { kind: string }[] };
    expect(notes.data.map((n) => n.kind)).toContain('invitation.received');
    const inbox = ok(await bob.call('GET', '/invitations')) as { data: Record<string, unknown>[] };
    expect(inbox.data).toMatchObject([
      {
        id: toBob.body.id,
        dataspace_name: 'Cuisine partagée',
        invited_by_name: 'alice',
        role: 'participant',
        status: 'pending',
      },
    ]);
    expect(JSON.stringify(inbox)).not.toContain(alice.id);
    // another user cannot see or accept Bob's invitation
    const eve = await newUser('eve');
    expect((ok(await eve.call('GET', '/invitations')) as { data: unknown[] }).data).toEqual([]);
    expect(
      (
        await eve.call('POST', '/invitations/{id}/accept', {
          params: { id: toBob.body.id },
          body: { identity_id: eve.identityId },
        })
      ).status,
    ).toBe(404);
    // Bob cannot accept with someone else's identity
    expect(
      (
        await bob.call('POST', '/invitations/{id}/accept', {
          params: { id: toBob.body.id },
          body: { identity_id: alice.identityId },
        })
      ).status,
    ).toBe(404);
    const accepted = ok(
      await bob.call('POST', '/invitations/{id}/accept', {
        params: { id: toBob.body.id },
        body: { identity_id: bob.identityId },
      }),
    ) as { membership: { id: string; role: string; identity_id: string } };
    expect(accepted.membership).toMatchObject({ role: 'participant', identity_id: alice.identityId });
    ids.bobMember = accepted.membership.id;
    // accepted once
    expect(
      (
        await bob.call('POST', '/invitations/{id}/accept', {
          params: { id: toBob.body.id },
          body: { identity_id: bob.identityId },
        })
      ).status,
    ).toBe(409);
  });

  it('shows the shared dataspace and its content to the member by role, nothing else of the owner', async () => {
    const shared = ok(await bob.call('GET', '/dataspaces', { query: { shared: 'true' } })) as {
      data: Record<string, unknown>[];
    };
    expect(shared.data).toMatchObject([
      { id: ids.space, my_role: 'participant', identity_id: alice.identityId },
    ]);
    expect(shared.data[0]!.user_id).toBeUndefined();
    // Bob's own list stays his own
    expect(
      (ok(await bob.call('GET', '/dataspaces')) as { data: { id: string }[] }).data.map((d) => d.id),
    ).not.toContain(ids.space);
    expect(ok(await bob.call('GET', '/dataspaces/{id}', { params: { id: ids.space } }))).toMatchObject({
      my_role: 'participant',
    });
    const threads = ok(await bob.call('GET', '/threads', { query: { dataspace_id: ids.space } })) as {
      data: { id: string }[];
    };
    expect(threads.data.map((t) => t.id)).toEqual([ids.thread]);
    const memory = ok(await bob.call('GET', '/memory', { query: { dataspace_id: ids.space } })) as {
      data: { content: string }[];
    };
    // never the sensitive item
    expect(memory.data.map((m) => m.content)).toEqual(['Fournisseur : Bois Nord']);
    // nothing else of Alice's: her starter dataspace, her spheres
    expect(
      (ok(await bob.call('GET', '/spheres')) as { data: { identity_id: string }[] }).data.every(
        (x) => x.identity_id === bob.identityId,
      ),
    ).toBe(true);
    // participants post; the row is the tenant's, the author Bob
    const posted = ok(
      await bob.call('POST', '/threads/{thread_id}/messages', {
        params: { thread_id: ids.thread },
        body: { body: 'Chêne, sans hésiter.' },
      }),
      201,
    ) as { identity_id: string; author_identity_id: string };
    expect(posted).toMatchObject({ identity_id: alice.identityId, author_identity_id: bob.identityId });
    // but do not create threads (editors do), nor manage members (hosts do)
    expect(
      (await bob.call('POST', '/threads', { body: { dataspace_id: ids.space, title: 'Le mien' } })).status,
    ).toBe(403);
    expect(
      (
        await bob.call('POST', '/dataspaces/{id}/invitations', {
          params: { id: ids.space },
          body: { email: freshEmail('x'), role: 'viewer' },
        })
      ).status,
    ).toBe(403);
    // people: the owner, then Bob, by identity name, colour and role; no user id, no e-mail
    const people = ok(await bob.call('GET', '/dataspaces/{id}/members', { params: { id: ids.space } })) as {
      data: { role: string; identity_id: string; name: string }[];
    };
    expect(people.data.map((p) => [p.role, p.identity_id])).toEqual([
      ['owner', alice.identityId],
      ['participant', bob.identityId],
    ]);
    expect(JSON.stringify(people)).not.toContain(alice.id);
    expect(JSON.stringify(people)).not.toContain(bobEmail);
  });

  it('lets the host change a role and the new role apply at once', async () => {
    const changed = ok(
      await alice.call('PATCH', '/dataspaces/{id}/members/{member_id}', {
        params: { id: ids.space, member_id: ids.bobMember },
        body: { role: 'editor' },
      }),
    ) as { role: string };
    expect(changed.role).toBe('editor');
    ok(
      await bob.call('POST', '/threads', { body: { dataspace_id: ids.space, title: 'Quincaillerie' } }),
      201,
    );
    // a member re-added by id the owner knows keeps one membership
    const again = ok(
      await alice.call('POST', '/dataspaces/{id}/members', {
        params: { id: ids.space },
        body: { identity_id: bob.identityId, role: 'editor' },
      }),
      201,
    ) as { id: string };
    expect(again.id).toBe(ids.bobMember);
    // an identity the owner never met cannot be added by id (invite it by e-mail)
    expect(
      (
        await alice.call('POST', '/dataspaces/{id}/members', {
          params: { id: ids.space },
          body: { identity_id: carolish(), role: 'viewer' },
        })
      ).status,
    ).toBe(404);
  });

  it('charges a shared run to its runner and caps it with the owner’s dataspace budget, naming it', async () => {
    const agents = (await bob.call('GET', '/agents')).body.data as { id: string; slug: string }[];
    const summarizer = agents.find((a) => a.slug === 'summarizer')!.id;
    const before = { alice: await balanceOf(alice), bob: await balanceOf(bob) };
    const run = await bob.call('POST', '/agents/{id}/execute', {
      params: { id: summarizer },
      body: { intentText: SUMMARIZE, threadId: ids.thread },
      headers: { 'idempotency-key': 'shared-run-1' },
    });
    const result = ok(run) as { tokens: { used: number }; messageIds: string[] };
    expect(result.tokens.used).toBeGreaterThan(0);
    expect(await balanceOf(bob)).toBe(before.bob - result.tokens.used);
    expect(await balanceOf(alice)).toBe(before.alice);
    // the agent's message landed in Alice's thread (her row), and both see the run
    const [msg] = await sql`select identity_id from public.messages where id = ${result.messageIds[0]!}`;
    expect(msg!.identity_id).toBe(alice.identityId);
    const [exec] = await sql`select identity_id, runner_identity_id from public.agent_executions
                             where runner_identity_id = ${bob.identityId} and idempotency_key = 'shared-run-1'`;
    expect(exec).toEqual({ identity_id: alice.identityId, runner_identity_id: bob.identityId });

    // Alice caps spending in her dataspace: Bob's next run is refused, naming the dataspace
    ok(
      await alice.call('POST', '/tokens/allocate', {
        body: { scopeType: 'dataspace', scopeId: ids.space, amount: 1 },
        headers: { 'idempotency-key': 'cap-space' },
      }),
      201,
    );
    const estimate = ok(
      await bob.call('POST', '/agents/{id}/estimate', {
        params: { id: summarizer },
        body: { intentText: SUMMARIZE, threadId: ids.thread },
      }),
    ) as { accepted: boolean; refusal: { code: string; scope: { type: string; id: string } } };
    expect(estimate).toMatchObject({
      accepted: false,
      refusal: { code: 'budget_exceeded', scope: { type: 'dataspace', id: ids.space } },
    });
    const refused = await bob.call('POST', '/agents/{id}/execute', {
      params: { id: summarizer },
      body: { intentText: SUMMARIZE, threadId: ids.thread },
      headers: { 'idempotency-key': 'shared-run-2' },
    });
    expect(refused.status).toBe(402);
    expect(refused.body.error.message).toContain(`dataspace ${ids.space}`);
    expect(await balanceOf(bob)).toBe(before.bob - result.tokens.used);
  });

  it('brings a link holder in with the link’s role, once per use, and out when the link is revoked', async () => {
    const made = ok(
      await alice.call('POST', '/dataspaces/{id}/links', {
        params: { id: ids.space },
        body: { role: 'viewer', expires_in_hours: 2, max_uses: 1 },
      }),
      201,
    ) as { token: string; path: string; link: Record<string, unknown> };
    expect(made.path).toBe(`/join/${made.token}`);
    expect(made.link.token_hash).toBeUndefined();
    ids.link = made.link.id as string;
    const listed = ok(await alice.call('GET', '/dataspaces/{id}/links', { params: { id: ids.space } })) as {
      data: unknown[];
    };
    expect(JSON.stringify(listed)).not.toContain(made.token);
    carol = await newUser('carol');
    expect(
      ok(
        await carol.call('POST', '/links/redeem', {
          body: { token: made.token, identity_id: carol.identityId },
        }),
      ),
    ).toMatchObject({ dataspace_id: ids.space, role: 'viewer' });
    expect(ok(await carol.call('GET', '/dataspaces/{id}', { params: { id: ids.space } }))).toMatchObject({
      my_role: 'viewer',
    });
    // a viewer reads, never posts
    expect(
      (
        await carol.call('POST', '/threads/{thread_id}/messages', {
          params: { thread_id: ids.thread },
          body: { body: 'x' },
        })
      ).status,
    ).toBe(403);
    // used up: the next person gets the same answer as for a made-up token
    const dave = await newUser('dave');
    const used = await dave.call('POST', '/links/redeem', {
      body: { token: made.token, identity_id: dave.identityId },
    });
    const guessed = await dave.call('POST', '/links/redeem', {
      body: { token: `chenu_link_${'A'.repeat(43)}`, identity_id: dave.identityId },
    });
    expect([used.status, guessed.status]).toEqual([404, 404]);
    expect(used.body.error).toEqual(guessed.body.error);
    ok(await alice.call('DELETE', '/links/{id}', { params: { id: ids.link } }), 204);
    expect((await carol.call('GET', '/dataspaces/{id}', { params: { id: ids.space } })).status).toBe(404);
  });

  it('invites a non-member to one meeting: its meeting, notes, tasks and thread only, until it ends', async () => {
    ids.meetingThread = (
      ok(
        await alice.call('POST', '/threads', {
          body: { dataspace_id: ids.space, title: 'Réunion de chantier' },
        }),
        201,
      ) as {
        id: string;
      }
    ).id;
    ids.meeting = (
      ok(
        await alice.call('POST', '/meetings', {
          body: {
            dataspace_id: ids.space,
            thread_id: ids.meetingThread,
            title: 'Chantier',
            scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
          },
        }),
        201,
      ) as { id: string }
    ).id;
    const erinEmail = freshEmail('erin');
    erin = await newUser('erin', erinEmail);
    const inv = ok(
      await alice.call('POST', '/meetings/{meeting_id}/invitations', {
        params: { meeting_id: ids.meeting },
        body: { email: erinEmail },
      }),
      201,
    ) as { id: string; meeting_id: string; role: string };
    expect(inv).toMatchObject({ meeting_id: ids.meeting, role: 'participant' });
    const accepted = ok(
      await erin.call('POST', '/invitations/{id}/accept', {
        params: { id: inv.id },
        body: { identity_id: erin.identityId },
      }),
    ) as { participant: { id: string }; membership: null };
    expect(accepted.membership).toBeNull();
    ok(await erin.call('GET', '/meetings/{id}', { params: { id: ids.meeting } }));
    ok(await erin.call('GET', '/threads/{thread_id}/messages', { params: { thread_id: ids.meetingThread } }));
    ok(
      await erin.call('POST', '/threads/{thread_id}/messages', {
        params: { thread_id: ids.meetingThread },
        body: { body: 'Bonjour à tous' },
      }),
      201,
    );
    ok(
      await erin.call('POST', '/meetings/{meeting_id}/notes', {
        params: { meeting_id: ids.meeting },
        body: { body: 'Livraison lundi' },
      }),
      201,
    );
    // nothing else of the dataspace
    expect((await erin.call('GET', '/dataspaces/{id}', { params: { id: ids.space } })).status).toBe(404);
    expect((await erin.call('GET', '/threads/{id}', { params: { id: ids.thread } })).status).toBe(404);
    // a task assigned to Erin shows in her bureau
    const task = ok(
      await alice.call('POST', '/meetings/{meeting_id}/tasks', {
        params: { meeting_id: ids.meeting },
        body: { title: 'Confirmer la livraison', assignee_participant_id: accepted.participant.id },
      }),
      201,
    ) as { id: string };
    const mine = ok(await erin.call('GET', '/bureau/tasks')) as { data: { id: string }[] };
    expect(mine.data.map((t) => t.id)).toEqual([task.id]);
    // ending the meeting ends what it gave: 404 at once, the assigned task stays in her bureau
    ok(
      await alice.call('PATCH', '/meetings/{id}', {
        params: { id: ids.meeting },
        body: {
          status: 'ended',
          started_at: new Date(Date.now() - 60_000).toISOString(),
          ended_at: new Date().toISOString(),
        },
      }),
    );
    expect((await erin.call('GET', '/meetings/{id}', { params: { id: ids.meeting } })).status).toBe(404);
    expect((ok(await erin.call('GET', '/bureau/tasks')) as { data: unknown[] }).data).toHaveLength(1);
  });

  it('declines and revokes invitations; the host lists them', async () => {
    const frankEmail = freshEmail('frank');
    const frank = await newUser('frank', frankEmail);
    const a = ok(
      await alice.call('POST', '/dataspaces/{id}/invitations', {
        params: { id: ids.space },
        body: { email: frankEmail, role: 'viewer' },
      }),
      201,
    ) as { id: string };
    // the meeting has ended: nobody is invited to it any more
    expect(
      (
        await alice.call('POST', '/meetings/{meeting_id}/invitations', {
          params: { meeting_id: ids.meeting },
          body: { email: frankEmail },
        })
      ).status,
    ).toBe(409);
    expect(ok(await frank.call('POST', '/invitations/{id}/decline', { params: { id: a.id } }))).toMatchObject(
      {
        status: 'declined',
      },
    );
    const c = ok(
      await alice.call('POST', '/dataspaces/{id}/invitations', {
        params: { id: ids.space },
        body: { email: frankEmail, role: 'editor' },
      }),
      201,
    ) as { id: string };
    ok(await alice.call('DELETE', '/invitations/{id}', { params: { id: c.id } }), 204);
    expect(
      (
        await frank.call('POST', '/invitations/{id}/accept', {
          params: { id: c.id },
          body: { identity_id: frank.identityId },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        ok(await frank.call('GET', '/invitations', { query: { status: 'revoked' } })) as {
          data: { id: string }[];
        }
      ).data.map((i) => i.id),
    ).toEqual([c.id]);
    const all = ok(
      await alice.call('GET', '/dataspaces/{id}/invitations', { params: { id: ids.space } }),
    ) as {
      data: { status: string }[];
    };
    expect(all.data.map((i) => i.status)).toEqual(
      expect.arrayContaining(['accepted', 'declined', 'revoked', 'pending']),
    );
    // the list is the hosts': Bob (an editor) sees only the invitation addressed to him
    const bobSees = ok(
      await bob.call('GET', '/dataspaces/{id}/invitations', { params: { id: ids.space } }),
    ) as {
      data: { invitee_email: string }[];
    };
    expect(bobSees.data.map((i) => i.invitee_email)).toEqual([bobEmail]);
  });

  it('removes a member at once and audits it on both chains without leaking a user id', async () => {
    ok(
      await alice.call('DELETE', '/dataspaces/{id}/members/{member_id}', {
        params: { id: ids.space, member_id: ids.bobMember },
      }),
      204,
    );
    expect((await bob.call('GET', '/dataspaces/{id}', { params: { id: ids.space } })).status).toBe(404);
    expect((await bob.call('GET', '/threads/{id}', { params: { id: ids.thread } })).status).toBe(404);
    expect(
      (ok(await bob.call('GET', '/dataspaces', { query: { shared: 'true' } })) as { data: unknown[] }).data,
    ).toEqual([]);
    const aliceTrail = ok(await alice.call('GET', '/governance/audit', { query: { limit: '100' } })) as {
      data: { action: string; user_id: string }[];
    };
    const bobTrail = ok(await bob.call('GET', '/governance/audit', { query: { limit: '100' } })) as {
      data: { action: string; user_id: string }[];
    };
    expect(aliceTrail.data.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'invitation.created',
        'invitation.accepted',
        'member.role_changed',
        'member.removed',
        'link.created',
        'link.redeemed',
        'link.revoked',
      ]),
    );
    expect(bobTrail.data.map((a) => a.action)).toEqual(
      expect.arrayContaining(['invitation.accepted', 'membership.granted', 'membership.ended']),
    );
    expect(JSON.stringify(bobTrail)).not.toContain(alice.id);
    expect(JSON.stringify(aliceTrail)).not.toContain(bob.id);
    expect(new Set(bobTrail.data.map((a) => a.user_id))).toEqual(new Set([bob.id]));
  });

  it('answers bad sharing input with 4xx JSON errors', async () => {
    const cases = [
      await alice.call('POST', '/dataspaces/{id}/invitations', {
        params: { id: ids.space },
        body: { email: 'not-an-address', role: 'viewer' },
      }),
      await alice.call('POST', '/dataspaces/{id}/invitations', {
        params: { id: ids.space },
        body: { email: freshEmail('z'), role: 'owner' },
      }),
      await alice.call('POST', '/dataspaces/{id}/links', {
        params: { id: ids.space },
        body: { role: 'host' },
      }),
      await alice.call('POST', '/dataspaces/{id}/links', {
        params: { id: ids.space },
        body: { role: 'viewer', expires_in_hours: 0 },
      }),
      await alice.call('POST', '/links/redeem', { body: { token: '', identity_id: alice.identityId } }),
      await alice.call('POST', '/invitations/{id}/accept', {
        params: { id: 'nope' },
        body: { identity_id: alice.identityId },
      }),
    ];
    for (const r of cases) {
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });

  it('called every sharing route of the OpenAPI document', async () => {
    const doc = await client().functions.invoke('docs/openapi.json', { method: 'GET' });
    const documented = Object.entries(doc.data.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => SHARING_ROUTE.test(r));
    expect(documented.length).toBeGreaterThanOrEqual(17);
    expect(documented.filter((r) => !calledRoutes.has(r))).toEqual([]);
  });
});

async function balanceOf(u: User): Promise<number> {
  return (await u.call('GET', '/tokens/balance')).body.available as number;
}

/** An identity id nobody shares anything with. */
function carolish(): string {
  return crypto.randomUUID();
}
