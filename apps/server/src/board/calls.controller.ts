import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BadInputError } from '@rescue/common';
import { DispatchError } from '@rescue/dispatch';
import { newTaskEvents } from '@rescue/webhooks';
import { AuditRepository, CallRepository, type CallRow, type TaskRow } from '@rescue/persistence';
import { requestTime, toWgs84 } from '../dispatch/dispatch-input';
import { TaskLifecycleService } from '../dispatch/task-lifecycle.service';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { CallTaskDto, CloseCallDto, CreateCallDto } from './board.dto';
import { BoardService } from './board.service';

/** A call may be entered with a time up to this far ahead of the server's clock (a workstation's drift). */
const CLOCK_SKEW_MS = 60_000;

/**
 * Calls (受理): a call is taken with its start time and the dispatcher, waits on the board, and is
 * served by one task or several (mass casualty), or closed unserved with the reason.
 */
@ApiTags('board')
@Controller('calls')
export class CallsController {
  constructor(
    @Inject(CallRepository) private readonly calls: CallRepository,
    @Inject(TaskLifecycleService) private readonly lifecycle: TaskLifecycleService,
    @Inject(BoardService) private readonly board: BoardService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  @Roles('dispatcher')
  @Post()
  @ApiOperation({ summary: 'Take a call: location in any datum (stored WGS-84), address, priority, chief complaint, capabilities; answered (受理) now unless given; the dispatcher is the caller' })
  async create(@Body() body: CreateCallDto, @Caller() caller: ApiCaller): Promise<CallRow> {
    const now = Date.now();
    const answeredAt = requestTime('answeredAt', body.answeredAt, now);
    const ringAt = body.ringAt === undefined ? null : requestTime('ringAt', body.ringAt, now);
    if (answeredAt > now + CLOCK_SKEW_MS) throw new BadInputError('`answeredAt` is in the future');
    if (ringAt !== null && ringAt > answeredAt) throw new BadInputError('`ringAt` must not be after `answeredAt`');
    const call: CallRow = {
      id: `C-${randomUUID()}`, state: 'pending', ringAt, answeredAt, dispatcher: auditActor(caller), location: toWgs84(body.location),
      address: body.address?.trim() || null, priority: body.priority ?? 2, chiefComplaint: body.chiefComplaint?.trim() || null,
      requiredCapabilities: body.requiredCapabilities ?? [], closeReason: null, closedAt: null,
    };
    await this.calls.create(call, auditActor(caller));
    this.board.touch();
    return call;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A call with the ids of its tasks' })
  async get(@Param('id') id: string, @Caller() caller: ApiCaller) {
    const call = await this.calls.get(id);
    if (!call) throw new DispatchError('CALL_NOT_FOUND', `unknown call ${id}`);
    await this.audit.append({ actor: auditActor(caller), action: 'read.call', subject: `call:${id}` });
    return { ...call, taskIds: await this.calls.taskIds(id) };
  }

  @Roles('dispatcher')
  @Post(':id/tasks')
  @ApiOperation({ summary: 'Send a unit for the call (again for more units: mass casualty); the task takes the call\'s time, location, priority and capabilities' })
  @ApiConflictResponse({ description: 'UNIT_BUSY, UNIT_NOT_AVAILABLE, CALL_CLOSED (closed unserved)' })
  async dispatch(@Param('id') id: string, @Body() body: CallTaskDto, @Caller() caller: ApiCaller): Promise<TaskRow> {
    const call = await this.calls.get(id);
    if (!call) throw new DispatchError('CALL_NOT_FOUND', `unknown call ${id}`);
    if (call.state === 'unserved') throw new DispatchError('CALL_CLOSED', `call ${id} was closed without a unit: ${call.closeReason ?? ''}`, { callId: id });
    const task = await this.lifecycle.assign({
      unitId: body.unitId, priority: call.priority as 1 | 2 | 3 | 4, emergency: body.emergency ?? true, incident: call.location,
      requiredCapabilities: call.requiredCapabilities, callTakenAt: call.answeredAt, callRingAt: call.ringAt, callId: id, actor: auditActor(caller),
    });
    this.board.touch();
    return task;
  }

  @Roles('dispatcher')
  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a waiting call no unit will serve (未派车), with the reason: recorded as an unserved request' })
  @ApiConflictResponse({ description: 'CALL_NOT_PENDING: a unit was sent (end its task instead) or the call is closed' })
  async close(@Param('id') id: string, @Body() body: CloseCallDto, @Caller() caller: ApiCaller): Promise<CallRow> {
    const reason = body.reason.trim();
    if (!reason) throw new BadInputError('closing a call without a unit needs a reason');
    const now = Date.now();
    const taskId = `T-${randomUUID()}`;
    // Out by webhook with the close: the request that went unserved, as a task.created without a unit.
    const closed = await this.calls.closeUnserved(id, reason, now, taskId, auditActor(caller), (c) => newTaskEvents({
      id: taskId, unitId: null, stationId: null, state: 'unserved', priority: c.priority, emergency: true, incident: c.location,
      requiredCapabilities: c.requiredCapabilities, callTakenAt: c.answeredAt, orderReceivedAt: null,
    }, null, now));
    if (!closed) {
      const call = await this.calls.get(id);
      if (!call) throw new DispatchError('CALL_NOT_FOUND', `unknown call ${id}`);
      throw new DispatchError('CALL_NOT_PENDING', `call ${id} is ${call.state}: only a waiting call is closed without a unit`, { state: call.state });
    }
    this.board.touch();
    return closed;
  }
}
