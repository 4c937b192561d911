import type { DataSource, EntityManager } from 'typeorm';

export interface TaskOrderRow {
  taskId: string;
  unitId: string;
  commandId: string;
  createdAt: number;
  lastSentAt: number | null;
  attempts: number;
  ackedAt: number | null;
  ackSource: string | null;
}

const ms = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());
const row = (r: Record<string, any>): TaskOrderRow => ({
  taskId: r.task_id, unitId: r.unit_id, commandId: r.command_id, createdAt: ms(r.created_at)!, lastSentAt: ms(r.last_sent_at),
  attempts: Number(r.attempts), ackedAt: ms(r.acked_at), ackSource: r.ack_source,
});

/** task_orders: the dispatch order of each assigned task, its sending attempts and its acknowledgement. */
export class OrderRepository {
  constructor(private readonly db: DataSource) {}

  /** In the assignment's transaction: a task with a unit always has its order. */
  async create(taskId: string, unitId: string, commandId: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`INSERT INTO task_orders (task_id, unit_id, command_id) VALUES ($1, $2, $3) ON CONFLICT (task_id) DO NOTHING`, [taskId, unitId, commandId]);
  }

  async get(taskId: string): Promise<TaskOrderRow | null> {
    const rows: Array<Record<string, any>> = await this.db.query(`SELECT * FROM task_orders WHERE task_id = $1`, [taskId]);
    return rows[0] ? row(rows[0]) : null;
  }

  async markSent(taskId: string, at: number): Promise<void> {
    await this.db.query(`UPDATE task_orders SET attempts = attempts + 1, last_sent_at = $2 WHERE task_id = $1`, [taskId, new Date(at)]);
  }

  /** The first acknowledgement counts; later ones (resends) change nothing. */
  async markAcked(m: EntityManager, taskId: string, at: number, source: string): Promise<void> {
    await m.query(`UPDATE task_orders SET acked_at = $2, ack_source = $3 WHERE task_id = $1 AND acked_at IS NULL`, [taskId, new Date(at), source]);
  }

  /** Orders of active tasks not acknowledged, last sent before `sentBefore` (or never), oldest first. */
  async due(sentBefore: number, limit = 500): Promise<Array<TaskOrderRow & { task: Record<string, any> }>> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT o.*, t.priority, t.emergency, t.incident_lat, t.incident_lon, t.order_received_at
         FROM task_orders o JOIN tasks t ON t.id = o.task_id
        WHERE o.acked_at IS NULL AND t.state = 'active' AND (o.last_sent_at IS NULL OR o.last_sent_at < $1)
        ORDER BY o.created_at LIMIT $2`,
      [new Date(sentBefore), limit],
    );
    return rows.map((r) => ({ ...row(r), task: r }));
  }

  /** Orders of active tasks, acknowledged or not, newest first (the console's order panel). */
  async ofActiveTasks(limit = 200): Promise<TaskOrderRow[]> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT o.* FROM task_orders o JOIN tasks t ON t.id = o.task_id WHERE t.state = 'active' ORDER BY o.created_at DESC LIMIT $1`, [limit],
    );
    return rows.map(row);
  }

  /** Orders of active tasks not acknowledged (GET /orders/undelivered). */
  async undelivered(): Promise<TaskOrderRow[]> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT o.* FROM task_orders o JOIN tasks t ON t.id = o.task_id WHERE o.acked_at IS NULL AND t.state = 'active' ORDER BY o.created_at`,
    );
    return rows.map(row);
  }
}
