import { useEffect, useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { canSpeak } from '../../shared/protocol/roomRules.ts';
import { CHAT_MAX_CHARS } from '../../shared/protocol/limits.ts';
import { useFormat } from '../i18n/format.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import type { PeopleStore, Person } from './peopleStore.ts';

/** Why someone is here, in words: the owner, a member's role, a meeting invitee, an elevation. */
function useAccessText(): (p: Person) => string {
  const { t, i18n } = useTranslation();
  return (p) => (i18n.exists(`access.${p.access}`) ? t(`access.${p.access}`) : '');
}

function PeopleList({ people }: { people: PeopleStore }) {
  const { t } = useTranslation();
  const list = useStore(people, (s) => s.people);
  const accessText = useAccessText();
  return (
    <ul className="item-list people-list" aria-label={t('people.list')}>
      {list.map((p) => (
        <li key={p.identityId} className="person" data-role={p.role} data-self={p.self}>
          <span className="dot" style={{ background: p.color }} aria-hidden="true" />
          <span className="grow">
            <strong>{p.name}</strong>
            {p.self && <span className="muted"> {t('share.you')}</span>}
            <span className="person-meta muted">
              {t(`roles.${p.role}`)}
              {accessText(p) && ` · ${accessText(p)}`}
              {p.mode !== 'desktop' && ` · ${t(`modes.${p.mode}`)}`}
              {p.devices > 1 && ` · ${t('people.devices', { count: p.devices })}`}
              {p.away && ` · ${t('people.away')}`}
              {p.muted && ` · ${t('people.muted')}`}
            </span>
          </span>
          {p.speaking && <span className="badge badge-accent">{t('people.speaking')}</span>}
        </li>
      ))}
    </ul>
  );
}

function Chat({ people }: { people: PeopleStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const chat = useStore(people, (s) => s.chat);
  const myRole = useStore(people, (s) => s.myRole);
  const error = useStore(people, (s) => s.chatError);
  const [text, setText] = useState('');
  const log = useRef<HTMLOListElement>(null);
  // the newest line in view (the log scrolls on its own)
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat.length]);
  const speaks = myRole !== null && canSpeak(myRole);
  return (
    <section className="stack chat" aria-labelledby="chat-title">
      <h3 id="chat-title" className="section-title">
        {t('chat.title')}
      </h3>
      {chat.length === 0 ? (
        <p className="muted">{speaks ? t('chat.empty') : t('chat.emptyViewer')}</p>
      ) : (
        <ol
          className="messages chat-log"
          aria-label={t('chat.log')}
          aria-live="polite"
          ref={log}
          tabIndex={0}
        >
          {chat.map((line) => (
            <li key={line.key} className="message" data-mine={line.mine}>
              <span className="message-meta">
                {line.name} · {fmt.time(line.at)}
              </span>
              <span className="message-body">{line.text}</span>
            </li>
          ))}
        </ol>
      )}
      {speaks ? (
        <Form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (people.sendChat(text)) setText('');
          }}
        >
          <TextField
            className="grow"
            label={t('chat.message')}
            hideLabel
            placeholder={t('chat.placeholder')}
            value={text}
            onChange={setText}
            maxLength={CHAT_MAX_CHARS}
          />
          <Button type="submit" variant="primary" isDisabled={!text.trim()}>
            {t('chat.send')}
          </Button>
        </Form>
      ) : (
        myRole && <p className="notice">{t('chat.viewer')}</p>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}

/**
 * The dock's people tab: who is in the room with their role and why they are here (owner, member,
 * meeting invitee), then the room's text chat. A spectator (viewer) reads the chat but gets no box,
 * as the room would refuse its lines.
 */
export function PeoplePanel({ people }: { people: PeopleStore }) {
  const { t } = useTranslation();
  const count = useStore(people, (s) => s.people.length);
  return (
    <section className="stack" aria-label={t('people.title')}>
      <h2 className="panel-title">{t('people.here', { count })}</h2>
      <PeopleList people={people} />
      <Chat people={people} />
    </section>
  );
}
