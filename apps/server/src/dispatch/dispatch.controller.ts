import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadInputError } from '@rescue/common';
import { DispatchError, INDICATOR_GROUPINGS, type IndicatorGrouping, indicatorsByStation, indicatorsCsv, indicatorsGrouped, indicatorsGroupedCsv, taskTimesOf } from '@rescue/dispatch';
import { AuditRepository, OrderRepository, type TaskOrderRow, TaskRepository, TaskRow } from '@rescue/persistence';
import { CreateTaskDto, RecommendationRequestDto, TaskEventDto } from './dispatch.dto';
import { checkTaskEvent, requestTime, toWgs84 } from './dispatch-input';
import { RecommendationService } from './recommendation.service';
import { TaskLifecycleService } from './task-lifecycle.service';
import { auditActor, type ApiCaller, Caller, Roles } from '../security/access.decorators';

/** An order as the API shows it: delivered = acknowledged by the unit's terminal (收到指令). */
function orderView(o: TaskOrderRow) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    taskId: o.taskId, unitId: o.unitId, commandId: o.commandId, state: o.ackedAt === null ? 'undelivered' : 'acknowledged',
    attempts: o.attempts, createdAt: iso(o.createdAt), lastSentAt: iso(o.lastSentAt), acknowledgedAt: iso(o.ackedAt), acknowledgedBy: o.ackSource,
  };
}

@ApiTags('dispatch')
@Controller()
export class DispatchController {
  constructor(
    private readonly recommendations: RecommendationService,
    private readonly lifecycle: TaskLifecycleService,
    private readonly tasks: TaskRepository,
    @Inject(OrderRepository) private readonly orders: OrderRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  @Roles('dispatcher')
  @Post('dispatch/recommendations')
  @HttpCode(200)
  @ApiOperation({ summary: 'Available units ranked by road ETA to the incident, with routes; and the units left out with reasons' })
  @ApiUnprocessableEntityResponse({ description: 'INCIDENT_NOT_ROUTABLE: the location is too far from any road' })
  recommend(@Body() body: RecommendationRequestDto, @Res({ passthrough: true }) res: Response) {
    const p = toWgs84(body.location);
    const t0 = performance.now();
    const r = this.recommendations.recommend({
      lat: p.lat, lon: p.lon, priority: body.priority ?? 2, requiredCapabilities: body.requiredCapabilities ?? [], limit: body.limit ?? 5,
    });
    // The answer's own time in the server (W3C Server-Timing), apart from HTTP and event-loop waits.
    res.setHeader('Server-Timing', `recommend;dur=${(performance.now() - t0).toFixed(3)}`);
    return r;
  }

  @Roles('dispatcher')
  @Post('tasks')
  @ApiOperation({ summary: 'Create a task and assign a unit atomically (409 naming the task that holds the unit if another was first)' })
  @ApiConflictResponse({ description: 'UNIT_BUSY (with taskId) or UNIT_NOT_AVAILABLE' })
  async create(@Body() body: CreateTaskDto, @Caller() caller: ApiCaller): Promise<TaskRow> {
    const now = Date.now();
    return this.lifecycle.assign({
      unitId: body.unitId ?? null,
      priority: body.priority ?? 2,
      emergency: body.emergency ?? true,
      incident: toWgs84(body.location),
      requiredCapabilities: body.requiredCapabilities ?? [],
      callTakenAt: requestTime('callTakenAt', body.callTakenAt, now),
      actor: auditActor(caller),
    }, now);
  }

  @Get('tasks/:id')
  @ApiOperation({ summary: 'A task with its lifecycle events (time, source, fix at that moment)' })
  async task(@Param('id') id: string, @Caller() caller: ApiCaller) {
    const task = await this.tasks.task(id);
    if (!task) throw new DispatchError('TASK_NOT_FOUND', `unknown task ${id}`);
    const order = await this.orders.get(id);
    const events = await this.tasks.events(id);
    // A task holds a patient's location and condition: who read it is on the trail (GB/T 22239 audit).
    await this.audit.append({ actor: auditActor(caller), action: 'read.task', subject: `task:${id}` });
    return { ...task, order: order ? orderView(order) : null, events };
  }

  @Get('orders/active')
  @ApiOperation({ summary: 'Dispatch orders of active tasks, acknowledged or not (the console\'s order panel), newest first' })
  async active() {
    return { orders: (await this.orders.ofActiveTasks()).map(orderView) };
  }

  @Get('orders/undelivered')
  @ApiOperation({ summary: 'Dispatch orders of active tasks the unit has not acknowledged yet (未确认的调度指令), oldest first; they are being resent' })
  async undelivered() {
    return { orders: (await this.orders.undelivered()).map(orderView) };
  }

  @Roles('dispatcher')
  @Post('tasks/:id/events')
  @HttpCode(200)
  @ApiOperation({ summary: 'A dispatcher moves the task on: en_route, on_scene, …, task_complete, or a void ending / aborted with a reason' })
  @ApiConflictResponse({ description: 'ILLEGAL_TRANSITION, TASK_ENDED, STALE_REPORT' })
  event(@Param('id') id: string, @Body() body: TaskEventDto, @Caller() caller: ApiCaller) {
    checkTaskEvent(body.status, body.reason);
    return this.lifecycle.taskEvent(id, body.status, requestTime('ts', body.ts, Date.now()), body.reason ?? null, auditActor(caller));
  }

  @Roles('planner')
  @Get('indicators')
  @ApiOperation({ summary: 'Quality indicators from stored task times (3-minute departure rate, response time, …), per station and overall' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO 8601, calls taken from' })
  @ApiQuery({ name: 'to', required: true, description: 'ISO 8601, calls taken before' })
  @ApiQuery({ name: 'station', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'by', required: false, enum: INDICATOR_GROUPINGS, description: 'group by station (ranked), dispatcher, unit, day or month (Beijing time); without it: overall and byStation' })
  async indicators(
    @Query('from') from: unknown, @Query('to') to: unknown, @Query('station') station: unknown,
    @Query('format') format: unknown, @Res({ passthrough: true }) res: Response, @Query('by') by?: unknown,
  ) {
    if (!from || !to) throw new BadInputError('`from` and `to` are required (ISO 8601)');
    // A repeated parameter arrives as an array (?station=a&station=b): one value each, or a 400.
    if (station !== undefined && (typeof station !== 'string' || station.length > 64)) throw new BadInputError('`station` is one station id (at most 64 characters)');
    const stationId = typeof station === 'string' ? station : null;
    const a = requestTime('from', from, 0);
    const b = requestTime('to', to, 0);
    if (a >= b) throw new BadInputError('`from` must be before `to`');
    if (format !== undefined && format !== 'json' && format !== 'csv') throw new BadInputError('`format` is json or csv');
    if (by !== undefined && !(INDICATOR_GROUPINGS as readonly unknown[]).includes(by)) throw new BadInputError(`\`by\` is one of ${INDICATOR_GROUPINGS.join(', ')}`);
    const rows = await this.tasks.tasksBetween(a, b, stationId);
    if (by !== undefined) {
      const grouped = indicatorsGrouped(rows.map(taskTimesOf), by as IndicatorGrouping);
      if (format === 'csv') {
        res.type('text/csv');
        return indicatorsGroupedCsv(grouped);
      }
      return { from: new Date(a).toISOString(), to: new Date(b).toISOString(), station: stationId, ...grouped };
    }
    const result = indicatorsByStation(rows.map(taskTimesOf));
    if (format === 'csv') {
      res.type('text/csv');
      return indicatorsCsv(result);
    }
    return { from: new Date(a).toISOString(), to: new Date(b).toISOString(), station: stationId, ...result };
  }
}

