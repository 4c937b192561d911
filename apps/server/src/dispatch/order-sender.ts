import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { CommandPayload } from '@rescue/contracts';
import { dispatchOrderText } from '@rescue/dispatch';
import type { OrderRepository, TaskRow } from '@rescue/persistence';

/** Publishes one command at QoS 1; resolves on the broker's PUBACK. */
export type CommandPublisher = (unitId: string, command: CommandPayload) => Promise<void>;

/**
 * Sends each assigned task's order down to the unit (`ems/v1/units/{unitId}/commands`; the JT/T 808
 * gateway turns it into 0x8300 for its terminals), and again every `retryMs` while it is not
 * acknowledged and the task is active: a unit out of coverage, or whose terminal was off, gets it when
 * it is back. The acknowledgement arrives as the unit's order_received status report, through ingest
 * and the lifecycle, which marks the order acknowledged.
 */
export class OrderSender {
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly sent: Counter<'attempt'>;

  constructor(
    private readonly publish: CommandPublisher,
    private readonly orders: OrderRepository,
    private readonly retryMs: number,
    registry: Registry,
    private readonly log: Logger,
  ) {
    this.sent = new Counter({ name: 'rc_orders_sent_total', help: 'Dispatch orders published to units, first sends and retries', labelNames: ['attempt'], registers: [registry] });
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(250, this.retryMs / 2));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** First send, right after the assignment committed. */
  async assigned(task: TaskRow): Promise<void> {
    const order = await this.orders.get(task.id);
    if (!order || !task.unitId) return;
    await this.send(task.unitId, command(order.commandId, task.id, task.priority as 1 | 2 | 3 | 4, task.emergency, task.incident.lat, task.incident.lon, task.orderReceivedAt ?? Date.now()), 'first');
  }

  /** Resends what is due; one sweep at a time. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const due = await this.orders.due(now - this.retryMs);
      for (const o of due) {
        const t = o.task;
        await this.send(o.unitId, command(o.commandId, o.taskId, Number(t.priority) as 1 | 2 | 3 | 4, Boolean(t.emergency), Number(t.incident_lat), Number(t.incident_lon), new Date(t.order_received_at).getTime()), o.attempts === 0 ? 'first' : 'retry');
      }
      return due.length;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'order retry sweep failed; next sweep tries again');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  private async send(unitId: string, cmd: CommandPayload, attempt: 'first' | 'retry'): Promise<void> {
    try {
      await this.publish(unitId, cmd);
      await this.orders.markSent(cmd.taskId, Date.now());
      this.sent.inc({ attempt });
      this.log.info({ unitId, taskId: cmd.taskId, attempt }, 'dispatch order sent to the unit');
    } catch (e) {
      this.log.warn({ unitId, taskId: cmd.taskId, err: (e as Error).message }, 'dispatch order not sent; retried');
    }
  }
}

function command(commandId: string, taskId: string, priority: 1 | 2 | 3 | 4, emergency: boolean, lat: number, lon: number, issuedAt: number): CommandPayload {
  return { type: 'dispatch_order', commandId, taskId, priority, emergency, lat, lon, address: null, text: dispatchOrderText({ taskId, priority, emergency, lat, lon, address: null }), issuedAt };
}
