import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events out (issue 14): the transactional outbox and webhook subscribers.
 *
 * webhook_outbox: every event, written in the transaction of the change it reports. `seq` is the
 * delivery order; appends take a transaction-scoped advisory lock first, so seq order is commit order
 * (a reader walking `seq > cursor` never skips a row that commits late).
 * webhook_subscribers: one delivery lane each; `cursor` is the seq of the last event done, `attempts`
 * and `next_attempt_at` the state of the one after it, `generation` fences writes of an attempt that an
 * admin change (replay, pause, delete) overtook.
 * webhook_dead_letters: events a subscriber never accepted within the bound; replayable.
 * Plain tables and a bigserial: the same on PGlite and PostgreSQL.
 */
export class Webhooks1763900000045 implements MigrationInterface {
  name = 'Webhooks1763900000045';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_outbox (
        seq          bigserial PRIMARY KEY,
        id           uuid NOT NULL UNIQUE,
        type         text NOT NULL,
        version      integer NOT NULL,
        subject      text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        data         jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX webhook_outbox_created_idx ON webhook_outbox (created_at)`);
    await q.query(`
      CREATE TABLE webhook_subscribers (
        id                 text PRIMARY KEY,
        url                text NOT NULL,
        events             text[] NOT NULL,
        secret             text NOT NULL,
        description        text,
        paused             boolean NOT NULL DEFAULT false,
        cursor             bigint NOT NULL DEFAULT 0,
        attempts           integer NOT NULL DEFAULT 0,
        next_attempt_at    timestamptz,
        last_error         text,
        last_attempt_at    timestamptz,
        last_delivered_at  timestamptz,
        delivered_count    bigint NOT NULL DEFAULT 0,
        generation         integer NOT NULL DEFAULT 0,
        created_at         timestamptz NOT NULL DEFAULT now(),
        created_by         text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE webhook_dead_letters (
        id             bigserial PRIMARY KEY,
        subscriber_id  text NOT NULL REFERENCES webhook_subscribers(id) ON DELETE CASCADE,
        event_seq      bigint NOT NULL REFERENCES webhook_outbox(seq) ON DELETE CASCADE,
        attempts       integer NOT NULL,
        last_error     text NOT NULL,
        dead_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_dead_letters_subscriber_idx ON webhook_dead_letters (subscriber_id, id)`);
    await q.query(`CREATE INDEX webhook_dead_letters_event_idx ON webhook_dead_letters (event_seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_dead_letters`);
    await q.query(`DROP TABLE webhook_subscribers`);
    await q.query(`DROP TABLE webhook_outbox`);
  }
}
