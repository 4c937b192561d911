import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BadInputError, NotFoundError } from '@rescue/common';
import { type DeadLetter, WebhookRepository, type WebhookSubscriber } from '@rescue/persistence';
import { checkWebhookSecret, checkWebhookUrl, EVENT_TYPES } from '@rescue/webhooks';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { CreateWebhookDto } from './webhooks.dto';
import { WebhookDelivery } from './webhook-delivery';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the admin sees of a subscriber: never its secret. */
const view = (w: WebhookSubscriber) => ({
  id: w.id, url: w.url, events: w.events, description: w.description, paused: w.paused, cursor: w.cursor, backlog: w.backlog,
  attempts: w.attempts, nextAttemptAt: iso(w.nextAttemptAt), lastError: w.lastError, lastAttemptAt: iso(w.lastAttemptAt),
  lastDeliveredAt: iso(w.lastDeliveredAt), deliveredCount: w.deliveredCount, deadLetters: w.deadLetters, createdAt: iso(w.createdAt), createdBy: w.createdBy,
});
const deadView = (d: DeadLetter) => ({ ...d, deadAt: iso(d.deadAt) });

const ID = /^wh_[A-Za-z0-9_-]{1,32}$/;
function id(raw: string): string {
  if (!ID.test(raw)) throw new BadInputError('id: a webhook id (wh_…)');
  return raw;
}

/**
 * Webhook subscribers (admin only): other platforms (city/province dispatch platform, hospitals, the
 * 110/119 linkage) that receive events out. Every change is audited with the admin as actor. Payloads,
 * headers and how to verify the signature: docs/webhooks.asyncapi.yaml.
 */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/webhooks')
export class WebhooksController {
  constructor(
    @Inject(WebhookRepository) private readonly repo: WebhookRepository,
    @Inject(WebhookDelivery) private readonly delivery: WebhookDelivery,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a subscriber {url, events, secret}: it receives the events committed from now on (replay reaches back)' })
  async create(@Body() body: CreateWebhookDto, @Caller() caller: ApiCaller) {
    const url = checkWebhookUrl(body.url);
    const secret = checkWebhookSecret(body.secret);
    const events = [...new Set(body.events)];
    const w = await this.repo.create({ url, events, secret, description: body.description ?? null }, auditActor(caller));
    this.delivery.changed();
    return { webhook: view(w) };
  }

  @Get()
  @ApiOperation({ summary: 'Subscribers with their delivery state (cursor, backlog, attempts, last error, dead letters)' })
  async list() {
    return { eventTypes: EVENT_TYPES, webhooks: (await this.repo.list()).map(view) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscriber and its latest dead letters' })
  async get(@Param('id') raw: string) {
    const w = await this.repo.get(id(raw));
    if (!w) throw new NotFoundError(`no webhook subscriber ${raw}`, { id: raw });
    return { webhook: view(w), deadLetters: (await this.repo.deadLetters(w.id)).map(deadView) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a subscriber (its dead letters go with it)' })
  async remove(@Param('id') raw: string, @Caller() caller: ApiCaller) {
    await this.repo.remove(id(raw), auditActor(caller));
    this.delivery.changed();
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop delivering to it; events wait in the outbox (until the retention) and go out in order on resume' })
  async pause(@Param('id') raw: string, @Caller() caller: ApiCaller) {
    const w = await this.repo.setPaused(id(raw), true, auditActor(caller));
    this.delivery.changed();
    return { webhook: view(w) };
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again, from where it stopped, retrying at once' })
  async resume(@Param('id') raw: string, @Caller() caller: ApiCaller) {
    const w = await this.repo.setPaused(id(raw), false, auditActor(caller));
    this.delivery.changed();
    return { webhook: view(w) };
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again from an event on (`from` = its sequence number, or an ISO time), dead letters included; events keep their ids' })
  async replay(@Param('id') raw: string, @Query('from') from: unknown, @Caller() caller: ApiCaller) {
    const fromSeq = await this.fromSeq(from);
    const w = await this.repo.replay(id(raw), fromSeq, auditActor(caller));
    this.delivery.changed();
    return { webhook: view(w), fromSeq };
  }

  private async fromSeq(from: unknown): Promise<number> {
    if (typeof from !== 'string' || from === '') throw new BadInputError('from: an event sequence number or an ISO 8601 time');
    if (/^\d{1,15}$/.test(from)) return Math.max(1, Number(from));
    const at = Date.parse(from);
    if (!/^\d{4}-\d{2}-\d{2}/.test(from) || Number.isNaN(at)) throw new BadInputError('from: an event sequence number or an ISO 8601 time');
    return this.repo.seqAt(at);
  }
}
