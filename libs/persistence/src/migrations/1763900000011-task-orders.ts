import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch orders sent down to the unit's terminal (issue 12): one row per assigned task. attempts and
 * last_sent_at say how often it went out (retried while unacknowledged and the task is active);
 * acked_at/ack_source are the terminal's 收到指令, also recorded as a task event.
 */
export class TaskOrders1763900000011 implements MigrationInterface {
  name = 'TaskOrders1763900000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_orders (
        task_id        text PRIMARY KEY REFERENCES tasks(id),
        unit_id        text NOT NULL REFERENCES units(id),
        command_id     text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        last_sent_at   timestamptz,
        attempts       integer NOT NULL DEFAULT 0,
        acked_at       timestamptz,
        ack_source     text
      )`);
    await q.query(`CREATE INDEX task_orders_unacked_idx ON task_orders (created_at) WHERE acked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_orders`);
  }
}
